using Currant.Benchmarks;
using Currant.Cli;
using Currant.CommandLine;

return await CurrantCommandLine.InvokeAsync(args, [DevServer.Create(), ReplayCommand.Create(), BenchCommand.Create(), DashboardCommand.Create()]);
