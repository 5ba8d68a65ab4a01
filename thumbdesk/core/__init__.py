"""The Qt-free, torch-free pipeline: probe, sample, filter, cluster, rank, export.

FFmpeg and OpenCV print their own diagnostics straight to stderr ("moov atom not found");
ThumbDesk turns failures into one clear message instead, so their logging is quietened here,
before cv2 is first imported. Set the variables yourself to see them again.
"""

import os

os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
