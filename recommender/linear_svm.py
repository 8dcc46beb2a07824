"""A linear SVM with the squared hinge loss, fitted on CSR arrays with numpy alone.

Personal ranking (personal.py) fits one per reader history. scikit-learn's LinearSVC (which
calls liblinear) solves the same problem, but importing it puts about 50-75 MB into a bot
that otherwise never needs it, and the problem is small: one row per resource, a few hundred
to a few thousand rows. This module minimises liblinear's objective for an L2-regularised,
L2-loss SVC, intercept included as liblinear does it (a weight on a constant feature of 1,
regularised like the others, i.e. `intercept_scaling=1`):

    f(w, b) = ½ (‖w‖² + b²) + Σᵢ cᵢ · max(0, 1 − yᵢ (w·xᵢ + b))²

with the per-row costs cᵢ given by the caller (C × class weight × sample weight). f is
strictly convex and once differentiable, so its minimum is unique and any solver that reaches
it agrees with liblinear's (the tests compare decision values with LinearSVC's).

The method is the finite Newton method for L2-SVMs (Keerthi and DeCoste, JMLR 2005): on the
rows that violate the margin f is a quadratic, so each step solves that quadratic's Newton
system with conjugate gradients (matrix-free: two sparse products per CG step) and then finds
the exact minimum of f along the step (f is piecewise quadratic along a line, so a 1-D Newton
iteration on its piecewise-linear derivative ends in a few steps). With the small C personal
ranking uses, nearly every row violates the margin and one or two Newton steps suffice: a
fit over the bundled catalog is under 2 ms.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from recommender.index import CsrArrays

GRADIENT_TOLERANCE = 1e-6
"""Stop when the gradient's norm is this fraction of its norm at w = 0."""
MAX_NEWTON_STEPS = 50
MAX_CG_STEPS = 250
CG_FORCING = 1e-6
"""Each Newton system is solved until its residual is this fraction of the gradient: solved
this closely, the first step is usually the answer (nearly every row is inside the margin,
where f is one quadratic), and a fit takes about 15 sparse products in all."""
_LINE_STEPS = 60

_Product = Callable[[np.ndarray], np.ndarray]


def decision_values(matrix: CsrArrays, positive: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Fit the SVM on the rows of `matrix` (labels: `positive`, a bool per row; per-row
    `costs` cᵢ > 0) and return w·xᵢ + b for every row, as float64.

    Both classes must be present (there is nothing to separate otherwise): ValueError."""
    n, d = matrix.shape
    positive = np.asarray(positive, dtype=bool)
    costs = np.asarray(costs, dtype=np.float64)
    if positive.shape != (n,) or costs.shape != (n,):
        raise ValueError("one label and one cost per row are needed")
    if positive.all() or not positive.any():
        raise ValueError("an SVM needs rows of both classes")
    y = np.where(positive, 1.0, -1.0)

    def times(v: np.ndarray) -> np.ndarray:  # [X 1] v
        return matrix.times(v[:d]) + float(v[d])

    def transposed_times(u: np.ndarray) -> np.ndarray:  # [X 1]ᵀ u
        return np.append(matrix.transposed_times(u), u.sum())

    def gradient(w: np.ndarray, z: np.ndarray, active: np.ndarray) -> np.ndarray:
        return w + 2.0 * transposed_times(np.where(active, costs * (z - y), 0.0))

    w = np.zeros(d + 1)
    z = np.zeros(n)  # decision values of w
    active = np.ones(n, dtype=bool)  # rows inside the margin: 1 − y·z > 0
    g = gradient(w, z, active)
    stop = GRADIENT_TOLERANCE * np.sqrt(_dot(g, g))
    for _ in range(MAX_NEWTON_STEPS):
        g_norm = np.sqrt(_dot(g, g))
        if g_norm <= stop:
            break
        step = _newton_step(times, transposed_times, np.where(active, costs, 0.0), g, g_norm)
        moved = times(step)
        t = _line_minimum(w, step, z, moved, y, costs)
        w += t * step
        z += t * moved
        active = y * z < 1.0
        g = gradient(w, z, active)
    return z


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """a·b without BLAS: OpenBLAS runs a dot product this long on several threads, which then
    spin on the other cores for a while after it returns; a bot has better uses for them."""
    return float(np.multiply(a, b).sum())


def _newton_step(
    times: _Product, transposed_times: _Product, costs: np.ndarray, g: np.ndarray, g_norm: float
) -> np.ndarray:
    """Solve (I + 2 Xᵀ diag(costs) X) s = −g by conjugate gradients (the matrix is symmetric
    positive definite: the identity is the regulariser)."""
    s = np.zeros_like(g)
    r = -g
    p = r.copy()
    rr = _dot(r, r)
    target = (CG_FORCING * g_norm) ** 2
    for _ in range(MAX_CG_STEPS):
        hp = p + 2.0 * transposed_times(costs * times(p))
        alpha = rr / _dot(p, hp)
        s += alpha * p
        r -= alpha * hp
        rr_next = _dot(r, r)
        if rr_next <= target:
            break
        p = r + (rr_next / rr) * p
        rr = rr_next
    return s


def _line_minimum(
    w: np.ndarray, step: np.ndarray, z: np.ndarray, moved: np.ndarray, y: np.ndarray, c: np.ndarray
) -> float:
    """The t minimising f(w + t·step): Newton's method on f's derivative along the line,
    which is piecewise linear and increasing, so it ends exactly after a few pieces."""
    w_step, step_step = _dot(w, step), _dot(step, step)
    if step_step == 0.0:
        return 0.0
    t = 0.0
    for _ in range(_LINE_STEPS):
        zt = z + t * moved
        inside = y * zt < 1.0
        slope = w_step + t * step_step + 2.0 * float(np.sum((c * (zt - y) * moved)[inside]))
        curvature = step_step + 2.0 * float(np.sum((c * moved * moved)[inside]))
        change = slope / curvature
        t -= change
        if abs(change) <= 1e-12 * max(1.0, abs(t)):
            break
    return t
