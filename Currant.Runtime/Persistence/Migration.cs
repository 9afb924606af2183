namespace Currant.Persistence;

/// <summary>One numbered script from <c>db/</c>.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
