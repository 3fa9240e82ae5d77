"""The trainers' workspace: needs, sessions, participants, downloads; the training plan."""
