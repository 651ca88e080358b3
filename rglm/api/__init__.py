"""Front ends: the functions R users call (``glm``), built on the layers below."""
