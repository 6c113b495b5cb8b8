using System.Threading;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>
/// Objects an ops type holds for good (docs/contract.md#locks): a member whose value cannot be replaced once the object
/// is built, so that <c>holder.Member</c> names the same object in every method of the type. Used by NTF007's flag wait
/// (a busy flag of a held object) and NTF008's fix (a driver lock of a held object).
/// </summary>
internal static class HeldObjects
{
    /// <summary>
    /// Whether <paramref name="holder"/> is a readonly field, a get-only auto-property, or a get-only property that only
    /// returns a readonly field (<see cref="SameLock.GetterField"/>), of a class type.
    /// </summary>
    public static bool IsKeptForGood(ISymbol? holder, Compilation compilation, CancellationToken cancellationToken) => holder switch
    {
        IFieldSymbol { IsReadOnly: true, Type.TypeKind: TypeKind.Class } => true,
        IPropertySymbol { IsIndexer: false, SetMethod: null, Type.TypeKind: TypeKind.Class } property
            => SameLock.IsAutoProperty(property)
               || new SameLock(compilation, cancellationToken).GetterField(property) is { IsReadOnly: true },
        _ => false,
    };
}
