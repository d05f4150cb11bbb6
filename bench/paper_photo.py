"""A phone photo of a returned page for the wide OMR benchmark: a colour JPEG, each its own shot.

The page lies on a desk (wood, dark, light or coloured cloth: darker or lighter than the
paper) and does not fill the frame; the phone is held a few degrees off square (a true
perspective, from a camera model), about 130–180 dpi on the page; the light falls off across
the frame, sometimes with the phone's shadow on part of the page or a lamp's glare; focus or a
shaking hand blurs it; the sensor adds noise, the phone sharpens and saves a JPEG of quality
70–90, sometimes stored sideways with an EXIF orientation.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from khaosat.bench.paper_devices import DPI, Capture, jpeg_bytes

ORIENTATION = 0x0112  # the EXIF tag


def phone_photo(page: np.ndarray, rng: np.random.Generator) -> Capture:
    dpi = rng.uniform(130, 180)
    fill = rng.uniform(0.7, 0.88)  # the page's share of the frame's height
    height = round(page.shape[0] * dpi / DPI / fill)
    width = round(height * 0.75)
    matrix = _camera(page.shape, (width, height), dpi / DPI, rng)
    shrink = np.diag([dpi / DPI * 1.25, dpi / DPI * 1.25, 1.0])  # warp from a smaller copy: faster
    small = _colour_page(cv2.resize(page, None, fx=shrink[0, 0], fy=shrink[1, 1], interpolation=cv2.INTER_AREA), rng)
    onto = matrix @ np.linalg.inv(shrink)
    shot = cv2.warpPerspective(small, onto, (width, height), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    inside = cv2.warpPerspective(np.full(small.shape[:2], 255, np.uint8), onto, (width, height))
    frame = _desk((height, width), rng)
    frame = _drop_shadow(frame, inside, rng)
    alpha = (inside.astype(np.float32) / 255.0)[..., None]
    frame = frame * (1 - alpha) + shot.astype(np.float32) * alpha
    frame = frame * _light((height, width), rng)[..., None] * _cast(rng)
    frame = _optics(_glare(frame, rng), rng)
    if rng.random() < 0.7:  # the phone sharpens what it saves
        frame = frame + rng.uniform(0.3, 0.8) * (frame - cv2.GaussianBlur(frame, (0, 0), 1.5))
    frame += rng.standard_normal(frame.shape, np.float32) * np.float32(rng.uniform(1.5, 4.0))
    image = np.clip(frame, 0, 255).astype(np.uint8)
    quality = int(rng.integers(70, 91))
    if rng.random() < 0.3:  # held upright, stored as the sensor reads it, with an EXIF turn
        turn = np.array([[0, 1, 0], [-1, 0, width - 1], [0, 0, 1]], np.float64)
        return Capture(_jpeg_turned(np.ascontiguousarray(np.rot90(image)), quality), turn @ matrix, False)
    return Capture(jpeg_bytes(image, (72, 72), quality), matrix, False)


def _jpeg_turned(image: np.ndarray, quality: int) -> bytes:
    """A JPEG whose EXIF orientation 6 says: turn 90° clockwise to show it upright."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", dpi=(72, 72), quality=quality, exif=exif)
    return buffer.getvalue()


def _camera(shape: tuple[int, ...], size: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """Page pixels → frame pixels for a pinhole camera tilted a few degrees off the page."""
    rows, columns = shape[:2]
    width, height = size
    focal = width * rng.uniform(0.95, 1.3)  # a phone's wide lens
    distance = focal / scale  # page pixels away, so the page's middle is at ``scale``
    rx, ry, rz = np.radians(rng.uniform(-7, 7)), np.radians(rng.uniform(-7, 7)), np.radians(rng.uniform(-6, 6))
    rotation = _rotation(rx, ry, rz)
    middle = np.array([columns / 2, rows / 2])
    corners = np.array([[0, 0], [columns, 0], [columns, rows], [0, rows]], np.float64) - middle
    for _ in range(20):  # move the page until all of it is in the frame
        shift = rng.uniform(-0.06, 0.06, 2) * [columns, rows]
        points = np.column_stack([corners, np.zeros(4)]) @ rotation.T + [shift[0], shift[1], distance]
        projected = focal * points[:, :2] / points[:, 2:3] + [width / 2, height / 2]
        if (projected.min(axis=0) > 8).all() and (projected < [width - 8, height - 8]).all():
            break
    else:
        projected = corners * scale * 0.95 + [width / 2, height / 2]
    source = (corners + middle).astype(np.float32)
    return cv2.getPerspectiveTransform(source, projected.astype(np.float32)).astype(np.float64)


def _rotation(rx: float, ry: float, rz: float) -> np.ndarray:
    cx, sx, cy, sy, cz, sz = np.cos(rx), np.sin(rx), np.cos(ry), np.sin(ry), np.cos(rz), np.sin(rz)
    about_x = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    about_y = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    about_z = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return about_z @ about_y @ about_x


def _colour_page(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The grey page as coloured paper: a slightly warm or cool white, RGB."""
    tint = np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 1.0)], np.float32) * rng.uniform(0.9, 1.0)
    if rng.random() < 0.3:
        tint = tint[::-1]
    coloured = page[..., None].astype(np.float32) * tint
    return np.clip(coloured, 0, 255).astype(np.uint8)


def _desk(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A desk or table around the page: wood grain, a dark top, a light one, or coloured cloth."""
    rows, columns = shape
    kind = str(rng.choice(["wood", "dark", "light", "cloth"]))
    if kind == "wood":
        base = np.array([rng.uniform(120, 190), rng.uniform(75, 125), rng.uniform(35, 80)], np.float32)
        y, x = np.ogrid[0:rows, 0:columns]
        wobble = cv2.resize(rng.normal(0, 1, (8, 8)).astype(np.float32), (columns, rows)) * 25
        grain = (0.85 + 0.15 * np.sin((x + wobble) / rng.uniform(6, 18) + y * 0.002)).astype(np.float32)
        texture = grain[..., None] * base
    else:
        levels = {"dark": (25, 80), "light": (215, 255), "cloth": (70, 200)}[kind]
        base = rng.uniform(*levels, 3).astype(np.float32)
        if kind != "cloth":
            base = np.full(3, base.mean(), np.float32) * rng.uniform(0.95, 1.05, 3).astype(np.float32)
        texture = np.broadcast_to(base, (rows, columns, 3)).astype(np.float32)
    coarse = cv2.resize(rng.normal(1, 0.05, (12, 9)).astype(np.float32), (columns, rows))[..., None]
    fine = rng.standard_normal((rows, columns, 1), np.float32) * np.float32(4)
    return texture * coarse + fine


def _drop_shadow(frame: np.ndarray, inside: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    spread = float(rng.uniform(3, 12))
    dx, dy = (int(v) for v in rng.integers(-8, 9, 2))
    moved = np.roll(inside, (dy, dx), axis=(0, 1)).astype(np.float32) / 255.0
    shade = cv2.GaussianBlur(moved, (0, 0), spread) * rng.uniform(0.2, 0.5)
    return frame * (1 - shade[..., None])


def _light(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Light that falls off across the frame and at its corners, maybe a soft shadow over part."""
    rows, columns = shape
    y = (np.arange(rows, dtype=np.float32) / rows - 0.5)[:, None]
    x = (np.arange(columns, dtype=np.float32) / columns - 0.5)[None, :]
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * x + np.sin(angle) * y + 0.5  # 0 … 1 across the frame
    low = rng.uniform(0.6, 0.9)
    light = low + (1 - low) * ramp
    light *= 1 - rng.uniform(0.05, 0.2) * (x**2 + y**2) * 2
    if rng.random() < 0.4:  # the phone's or the hand's shadow: a soft edge across the frame
        edge_angle = rng.uniform(0, 2 * np.pi)
        across = np.cos(edge_angle) * x + np.sin(edge_angle) * y - rng.uniform(0.1, 0.4)
        softness = rng.uniform(0.02, 0.08)
        shadow = 1 / (1 + np.exp(-across / softness))
        light *= 1 - rng.uniform(0.15, 0.4) * shadow
    return (light * rng.uniform(0.95, 1.1)).astype(np.float32)


def _glare(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sometimes a lamp or the flash shines back off the paper: a bright soft spot."""
    if rng.random() >= 0.15:
        return frame
    rows, columns = frame.shape[:2]
    y = np.arange(rows, dtype=np.float32)[:, None] - rng.uniform(0.2, 0.8) * rows
    x = np.arange(columns, dtype=np.float32)[None, :] - rng.uniform(0.2, 0.8) * columns
    radius = rng.uniform(0.08, 0.2) * columns
    spot = np.exp(-(x**2 + y**2) / (2 * radius**2)) * rng.uniform(40, 120)
    return frame + spot[..., None]


def _cast(rng: np.random.Generator) -> np.ndarray:
    """The white balance the phone chose: a little warm or cool."""
    return np.array([1 + rng.normal(0, 0.025), 1.0, 1 + rng.normal(0, 0.03)], np.float32)


def _optics(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Out of focus, or the hand shook while the shutter was open."""
    if rng.random() < 0.35:
        length = int(rng.integers(1, 4))
        kernel = np.zeros((length * 2 + 1, length * 2 + 1), np.float32)
        turn = rng.uniform(0, np.pi)
        end = (round(length + length * np.cos(turn)), round(length + length * np.sin(turn)))
        start = (round(length - length * np.cos(turn)), round(length - length * np.sin(turn)))
        cv2.line(kernel, start, end, 1.0, 1)
        return cv2.filter2D(frame, -1, kernel / kernel.sum())
    return cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 1.4))
