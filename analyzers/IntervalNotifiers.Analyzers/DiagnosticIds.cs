namespace IntervalNotifiers.Analyzers;

/// <summary>The diagnostic IDs of the package. Stable once shipped.</summary>
public static class DiagnosticIds
{
    public const string StartWithoutFinish = "NTF001";
    public const string FinishOutsideList = "NTF002";
    public const string NoInvalidateCallback = "NTF003";
    public const string DeadInvalidate = "NTF004";
    public const string FinishWithoutStart = "NTF005";
    public const string FinishOnFalseReturn = "NTF006";
    public const string FalseOnBlockableRange = "NTF007";
    public const string MissingSetSequence = "NTF008";
    public const string UncheckedReadBegin = "NTF009";
    public const string ReadRetryOutsideLock = "NTF010";
    public const string RemoveFromCallback = "NTF011";
    public const string SetSequenceOutsideCallback = "NTF012";
    public const string ReadBeginFromCallback = "NTF013";
    public const string PooledFinishNotReturned = "NTF014";
}
