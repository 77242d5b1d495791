"""Workstation lockdown with Safe Exam Browser: the session's `.seb` file and the Config Key
check of candidate requests during the locked phases."""
