"""repro's Python probe: the versions of the scientific packages this interpreter has and the
BLAS/LAPACK library numpy runs on (they change results by whole percentage points).
Prints one JSON object. Reads package metadata without importing the packages, except
numpy, which is imported to see which BLAS it loaded. With "--code DIR [PATH...]" it also
records the packages the code in DIR imports (found on PATH... too: the code's PYTHONPATH)."""
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

def notebook_code(text):
    """The code cells of a Jupyter notebook as one module; IPython's magics (%, !) left out."""
    cells = json.loads(text).get("cells", [])
    lines = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for line in source.splitlines():
            lines.append("" if line.lstrip().startswith(("%", "!")) else line)
        lines.append("")
    return "\n".join(lines)

def code_imports(code, paths):
    """Top-level modules the code's .py files (and notebooks' code cells) import, beyond the standard library and the code's
    own modules: the packages a claim depends on, whatever this list above names. "paths" (the
    code's PYTHONPATH, where inputs and setup put packages) are searched too. Files are parsed,
    never run."""
    import ast
    import os
    names = set()
    scanned = 0
    for root, dirs, files in os.walk(code):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for name in files:
            if not name.endswith((".py", ".ipynb")) or scanned >= 5000:
                continue
            scanned += 1
            try:
                with open(os.path.join(root, name), "rb") as source:
                    text = source.read()
                if name.endswith(".ipynb"):
                    text = notebook_code(text)
                tree = ast.parse(text, name)
            except Exception:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    own = {entry[:-3] if entry.endswith(".py") else entry for entry in os.listdir(code)}
    sys.path[:0] = paths
    try:
        from importlib import metadata
        distributions = metadata.packages_distributions() if hasattr(metadata, "packages_distributions") else {}
    except Exception:
        return {}, []
    found, unversioned = {}, []
    for module in sorted(names - stdlib - own):
        dists = distributions.get(module, [module])
        for dist in dists:
            try:
                found[dist.lower()] = metadata.version(dist)
            except Exception:
                version = source_version(module)
                if version is None:
                    unversioned.append(module)
                else:
                    found[module.lower()] = version
    return found, sorted(set(unversioned))

def source_version(module):
    """The string a module without package metadata (copied or built onto the PYTHONPATH by a
    setup step) assigns to __version__ at its top level, read from its source, never run."""
    import ast
    import importlib.util
    try:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        with open(spec.origin, "rb") as source:
            tree = ast.parse(source.read(), spec.origin)
    except Exception:
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            value = getattr(node.value, "value", None)
            if isinstance(value, str):
                return value
    return None

packages = versions()
unversioned = []
if len(sys.argv) > 2 and sys.argv[1] == "--code":
    imported, unversioned = code_imports(sys.argv[2], [p for p in sys.argv[3:]])
    packages.update(imported)
found = {"implementation": platform.python_implementation(), "version": platform.python_version(),
         "executable": sys.executable, "packages": packages, "blas": blas()}
torch_build = torch_blas(packages)
if torch_build is not None:
    found["torch_build"] = torch_build
if unversioned:
    found["imports_without_version"] = unversioned
print(json.dumps(found, sort_keys=True))
