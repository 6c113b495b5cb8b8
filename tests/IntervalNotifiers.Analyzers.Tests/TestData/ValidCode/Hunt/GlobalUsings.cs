// Valid code (hunt): global usings used by the Hunt* files. Only names that cannot clash with other files.
global using IntervalNotifiers;
global using NotifierOpsBase = IntervalNotifiers.IntervalNotifierOps;
