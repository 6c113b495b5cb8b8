namespace IntervalNotifiers.Analyzers;

/// <summary>
/// The properties of an NTF010 "outside any lock" diagnostic whose message names the lock to take (the reader sits in an
/// ops type that holds exactly one nameable lock around its SetSequence calls; docs/rules/NTF010.md): what a code fix
/// needs to wrap the check and the use of what was read in that lock. Absent when no lock can be named.
/// </summary>
public static class ReadRetryLockProperties
{
    /// <summary>The name of the field or property locked around SetSequence (<c>_lock</c>).</summary>
    public const string LockMember = "NTF010.LockMember";

    /// <summary>How the reader's code writes it: the member name, or <c>Type.Member</c> for a static of another type.</summary>
    public const string LockExpression = "NTF010.LockExpression";

    /// <summary><c>"true"</c> when the ops type takes it with a C# <c>lock</c> statement, <c>"false"</c> for an Enter/Exit or Wait/Release pair.</summary>
    public const string IsLockStatement = "NTF010.IsLockStatement";
}
