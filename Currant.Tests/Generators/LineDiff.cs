using System.Text;

namespace Currant.Tests.Generators;

/// <summary>A unified-style line diff (longest common subsequence) for readable golden-file failures.</summary>
internal static class LineDiff
{
    private const int Context = 3;

    public static string Format(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');

        // lcs[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Op, int Line, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', y + 1, a[x]));
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                lines.Add(('-', x + 1, a[x]));
                x++;
            }
            else
            {
                lines.Add(('+', y + 1, b[y]));
                y++;
            }
        }

        var output = new StringBuilder();
        output.Append("--- expected (golden)\n+++ actual (generated)\n");
        var lastPrinted = -1;
        for (var k = 0; k < lines.Count; k++)
        {
            var near = false;
            for (var d = Math.Max(0, k - Context); d <= Math.Min(lines.Count - 1, k + Context) && !near; d++)
            {
                near = lines[d].Op != ' ';
            }

            if (!near)
            {
                continue;
            }

            if (lastPrinted != k - 1)
            {
                output.Append("@@ line ").Append(lines[k].Line).Append(" @@\n");
            }

            output.Append(lines[k].Op).Append(' ').Append(lines[k].Text).Append('\n');
            lastPrinted = k;
        }

        return output.ToString();
    }
}
