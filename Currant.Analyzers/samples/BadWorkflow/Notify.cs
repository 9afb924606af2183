using Currant;

namespace BadWorkflow;

[Workflow]
public partial class Notify(HttpClient http) // expect CUR3005
{
    public async Task RunAsync(string url) => await http.GetStringAsync(url); // expect CUR1007
}
