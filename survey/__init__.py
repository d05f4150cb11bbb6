"""The survey itself: questionnaire data, personalised forms and their layout maps, codes, rounds;
the survey lifecycle (every status change, in ``lifecycle.py``) and the responses recorded for it."""
