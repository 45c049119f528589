
from .r2mrf_head import R2MRFHead  # noqa: F401
