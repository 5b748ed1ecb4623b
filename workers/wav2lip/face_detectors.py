"""Where the face is in a portrait: s3fd (what Wav2Lip uses) or OpenCV's Haar cascade.

`WAV2LIP_FACE_DETECTOR` picks it: `s3fd` (the Wav2Lip repository's `face_detection` on
PYTHONPATH, with `s3fd.pth` in its sfd folder), `haar` (the frontal-face cascade that ships inside
opencv-python-headless: no download, CPU only), or `auto` (the default): s3fd when it loads,
else Haar, said in the log and in `/health`. A fallback is safe here, unlike for the network:
both are real detectors, Haar is only less robust on turned or partly hidden faces.

Both give (x1, y1, x2, y2); `pad_box` then adds Wav2Lip's default padding (`--pads 0 10 0 0`:
10 pixels below the chin, so the jaw is inside the crop) clipped to the image.
"""
from __future__ import annotations

import logging

import cv2
import numpy as np

log = logging.getLogger("wav2lip")

Box = tuple[int, int, int, int]
PADS = (0, 10, 0, 0)  # top, bottom, left, right, as Wav2Lip's inference.py defaults


class HaarDetector:
    name = "haar"

    def __init__(self) -> None:
        self.cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
        if self.cascade.empty():
            raise RuntimeError(f"OpenCV's frontal-face cascade is missing from {cv2.data.haarcascades}")

    def detect(self, image: np.ndarray) -> Box | None:
        # No histogram equalisation: it loses the faint features of flat, drawn portraits (the
        # project's default one is found without it, not with it).
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        side = min(image.shape[:2])
        found = self.cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(max(24, side // 10),) * 2)
        if len(found) == 0:
            return None
        # A portrait is about one person: the largest face is theirs.
        x, y, w, h = max(found, key=lambda box: box[2] * box[3])
        return int(x), int(y), int(x + w), int(y + h)


class S3fdDetector:
    name = "s3fd"

    def __init__(self, device: str) -> None:
        import face_detection  # the Wav2Lip repository's package, on PYTHONPATH

        self.aligner = face_detection.FaceAlignment(face_detection.LandmarksType._2D, flip_input=False, device=device)

    def detect(self, image: np.ndarray) -> Box | None:
        found = self.aligner.get_detections_for_batch(np.array([image]))[0]
        if found is None:
            return None
        x1, y1, x2, y2 = (int(v) for v in found[:4])
        return x1, y1, x2, y2


def create_detector(choice: str, device: str) -> HaarDetector | S3fdDetector:
    if choice == "haar":
        return HaarDetector()
    if choice == "s3fd":
        return S3fdDetector(device)
    if choice != "auto":
        raise RuntimeError(f'WAV2LIP_FACE_DETECTOR must be "auto", "s3fd" or "haar", got "{choice}"')
    try:
        return S3fdDetector(device)
    except Exception as failure:  # not installed, or its weights are missing
        log.warning("s3fd is not available (%s): detecting faces with OpenCV's Haar cascade", failure)
        return HaarDetector()


def pad_box(box: Box, height: int, width: int) -> dict:
    x1, y1, x2, y2 = box
    top, bottom, left, right = PADS
    x1, y1 = max(0, x1 - left), max(0, y1 - top)
    x2, y2 = min(width, x2 + right), min(height, y2 + bottom)
    return {"x": x1, "y": y1, "width": x2 - x1, "height": y2 - y1}
