"""``bigglm()`` (biglm): glm over data in chunks, bigger than memory, serially or on Dask."""
