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

print(json.dumps({"implementation": platform.python_implementation(), "version": platform.python_version(),
                  "executable": sys.executable, "packages": versions(), "blas": blas()}, sort_keys=True))
