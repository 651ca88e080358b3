"""``glm()``: the front end, the fitted object (R's ``c("glm", "lm")``) and its methods."""
