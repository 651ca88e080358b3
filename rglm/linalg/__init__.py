"""Linear algebra as R does it: LINPACK QR with limited pivoting, ``chol2inv``."""

from rglm.linalg.qr import LSFit, QR, chol2inv, dqrdc2, dqrls, qr_coef, qr_qty, qr_qy, qr_r

__all__ = ["QR", "LSFit", "dqrdc2", "dqrls", "qr_qty", "qr_qy", "qr_r", "qr_coef", "chol2inv"]
