"""The Qt-free, torch-free pipeline: probe, sample, filter, cluster, rank, export."""
