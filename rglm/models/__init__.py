"""One package per model kind (glm, negbin, bigglm, ...): its front end, fitted object,
summary and the registrations of R's generics for it."""
