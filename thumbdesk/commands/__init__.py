"""The work behind the ``thumbdesk`` command; ``thumbdesk.cli`` parses the line and calls it.

``pick_inputs`` checks and loads what a headless pick needs before anything is decoded,
``pick`` runs ``thumbdesk pick`` on one video or a batch, and ``self_check`` runs the bundled
model on the bundled sample clip. Each returns one of the exit statuses below.
"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
