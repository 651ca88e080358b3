"""glm.fit over chunks: one pass over the data per IRLS iteration (TSQR of the chunks'
weighted designs), serially or on Dask. R: ``biglm::bigglm``'s engine, with ``glm``'s numbers."""
