"""The survey itself: questionnaire data, personalised forms, their layout maps, codes."""
