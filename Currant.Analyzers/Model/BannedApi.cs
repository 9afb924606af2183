namespace Currant.Analyzers.Model;

/// <summary>
/// One line of <see cref="BannedApiTable"/>. <see cref="Id"/> is a documentation-comment ID. A type ID (<c>T:</c>)
/// without <see cref="Member"/> bans every member of that type and of the types deriving from (or implementing) it;
/// with <see cref="Member"/> it bans every overload of that member (<c>.ctor</c>: every constructor), optionally only
/// the overloads whose first parameter is <see cref="FirstParameterType"/>. A member ID bans exactly that member and
/// takes precedence over type-wide entries.
/// </summary>
internal sealed class BannedApi
{
    public BannedApi(string id, NondeterminismKind kind, string? fix = null, string? member = null, string? firstParameterType = null)
    {
        Id = id;
        Kind = kind;
        Fix = fix;
        Member = member;
        FirstParameterType = firstParameterType;
    }

    public string Id { get; }

    public NondeterminismKind Kind { get; }

    /// <summary>A <see cref="FixKinds"/> value when a code fix exists for this exact member.</summary>
    public string? Fix { get; }

    public string? Member { get; }

    /// <summary>A type ID (<c>T:System.String</c>) the first parameter must have, or null for every overload.</summary>
    public string? FirstParameterType { get; }
}
