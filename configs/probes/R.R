# repro's R probe: the R version, platform, BLAS/LAPACK and attached and loaded packages.
print(sessionInfo())
