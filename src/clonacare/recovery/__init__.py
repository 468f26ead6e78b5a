"""The recovery record: one timeline from the first assessment to the years after the
taper, returns to use kept without erasing anything, milestones, DSM-5 remission and
the program's outcomes. Builds on the record, the assessments, the plans, monitoring and
therapy; none of them imports it."""
