namespace BadWorkflow;

/// <summary>A helper a workflow calls: its clock read is reported with the call chain.</summary>
public static class Clock
{
    public static string Stamp() => Format(DateTime.Now); // expect CUR1001

    private static string Format(DateTime value) => value.ToString("O");
}
