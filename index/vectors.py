"""The array type every encoder returns, kept apart so the encoders need not import each other."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
