"""The daemon: its jobs and how one run is carried out (jobs), crontab lines (cron), what it did (status)."""
