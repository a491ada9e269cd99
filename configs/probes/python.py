"""repro's Python probe: the versions of the scientific packages this interpreter has and the
BLAS/LAPACK library numpy runs on (they change results by whole percentage points).
Prints one JSON object. Reads package metadata without importing the packages, except
numpy, which is imported to see which BLAS it loaded."""
import json
import platform
import sys

PACKAGES = ["numpy", "scipy", "scikit-learn", "pandas", "torch", "torchvision", "jax", "jaxlib", "tensorflow",
            "keras", "transformers", "datasets", "tokenizers", "accelerate", "xgboost", "lightgbm", "statsmodels",
            "matplotlib", "opencv-python", "pillow", "numba", "cupy", "threadpoolctl", "mkl"]

def versions():
    try:
        from importlib import metadata
    except ImportError:
        return {}
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except Exception:
            pass
    return found

def blas():
    try:
        import numpy  # noqa: F401
    except Exception:
        return []
    libraries = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if line.split() else ""
                name = path.rsplit("/", 1)[-1].lower()
                if any(key in name for key in ("blas", "lapack", "mkl", "blis", "accelerate")):
                    libraries.add(path)
    except OSError:
        pass
    return sorted(libraries)

def torch_blas(packages):
    """PyTorch usually carries its own BLAS (MKL, OpenBLAS) inside: its build configuration names it."""
    if "torch" not in packages:
        return None
    try:
        import torch
        lines = torch.__config__.show().splitlines()
    except Exception as error:  # a broken install is a finding too
        return "cannot import torch: %s" % error
    found = [line.strip() for line in lines
             if not line.strip().startswith("- Build settings") and any(key in line for key in ("BLAS", "LAPACK", "MKL", "CUDA"))]
    for line in lines:
        if line.strip().startswith("- Build settings:"):
            settings = [item.strip() for item in line.split(":", 1)[1].split(",")]
            found += [item for item in settings if item.split("=")[0] in
                      ("BLAS_INFO", "LAPACK_INFO", "USE_CUDA", "USE_CUDNN", "USE_MKLDNN", "USE_OPENMP", "TORCH_VERSION")]
    return found

packages = versions()
found = {"implementation": platform.python_implementation(), "version": platform.python_version(),
         "executable": sys.executable, "packages": packages, "blas": blas()}
torch_build = torch_blas(packages)
if torch_build is not None:
    found["torch_build"] = torch_build
print(json.dumps(found, sort_keys=True))
