# Stand-in for scikit-garden (not packaged for Debian; its last release does not build
# against current scikit-learn). cqr/helper.py and cqr/tune_params_cv.py import
# RandomForestQuantileRegressor at module level; only the quantile-forest methods use it,
# and this manifest does not run them. Using it fails loudly.
class RandomForestQuantileRegressor:
    def __init__(self, *args, **kwargs):
        raise ImportError("scikit-garden is not installed: quantile random forests are not available")
