using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace IntervalNotifiers.CodeFixes.Common;

/// <summary>The data a derived finish type carries between the passes, as the fixes name it in their messages.</summary>
internal static class FinishState
{
    /// <summary>
    /// The fields and properties a finish type of source adds to <c>NotifierFinish</c> (at most four names, joined
    /// by ", "; empty: a pure token).
    /// </summary>
    public static string Carried(INamedTypeSymbol finishType)
    {
        var names = new List<string>();
        for (var t = finishType; t is not null && t.Locations.Any(l => l.IsInSource); t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                if (!member.IsStatic && !member.IsImplicitlyDeclared && member is IFieldSymbol or IPropertySymbol)
                {
                    names.Add(member.Name);
                }
            }
        }

        return string.Join(", ", names.Distinct().Take(4));
    }
}
