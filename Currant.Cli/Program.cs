using Currant.Benchmarks;
using Currant.CommandLine;

return await CurrantCommandLine.InvokeAsync(args, [BenchCommand.Create()]);
