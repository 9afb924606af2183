#!/usr/bin/env bash
# Measures what Currant's analyzers add to a build. Each project is compiled RUNS times with and RUNS times without
# Currant.Analyzers, alternating so that machine noise hits both alike, and the medians (and minimums) are compared:
#   - CPU time (user + sys) of `dotnet build --no-dependencies --no-incremental`, the compiler process included:
#     the primary figure, because it hardly moves when other work competes for the cores,
#   - wall clock of the same build (what a user waits for on an idle machine; MSBuild's fixed overhead included),
#   - the analyzers' own execution time as the compiler reports it (-p:ReportAnalyzer=true, one extra run). That
#     figure charges an analyzer for the method bodies it is first to bind (the .NET SDK's analyzers would bind them
#     anyway) and for time its callbacks wait on each other, so it overstates the cost; it says who is expensive.
# The compiler server is off (UseSharedCompilation=false) so no process outlives the script; that makes every
# compile cold (Roslyn and the analyzers are loaded and JIT-compiled each time), the pessimistic case.
#
# Usage: measure-build.sh [-n RUNS] [--synthetic UNITS] [PROJECT.csproj ...]
#   default projects: samples/BadWorkflow and samples/GoodWorkflow
#   --synthetic UNITS also generates (in a temp folder) a clean project of UNITS x (1 workflow with helper chains,
#   2 activities, 1 job, 3 plain service classes) and measures it.
# Build the solution first (dotnet build Currant.sln): references are used as built, in Debug.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
runs=5
synthetic=0
projects=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    --synthetic) synthetic="$2"; shift 2 ;;
    *) projects+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
  esac
done
if [[ ${#projects[@]} -eq 0 ]]; then
  projects=("$here/BadWorkflow/BadWorkflow.csproj" "$here/GoodWorkflow/GoodWorkflow.csproj")
fi

workdir="$(mktemp -d)"
if [[ "${CURRANT_MEASURE_KEEP:-}" == 1 ]]; then
  echo "keeping $workdir" >&2
else
  trap 'rm -rf "$workdir"' EXIT INT TERM
fi

generate_synthetic() {
  local units="$1"
  local dir="$workdir/Synthetic$units"
  mkdir -p "$dir"
  cat > "$dir/Synthetic$units.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/Currant.Runtime/Currant.Runtime.csproj" />
    <ProjectReference Include="$repo/Currant.Generators/Currant.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <ProjectReference Include="$repo/Currant.Analyzers/Currant.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
CSPROJ
  for ((i = 0; i < units; i++)); do
    cat > "$dir/Unit$i.cs" <<CS
using Currant;

namespace Synthetic.Unit$i;

[Workflow(Queue = "q$i")]
public partial class Flow$i
{
    private readonly List<string> _steps = [];

    public async Task<string> RunAsync(string id, int amount)
    {
        var started = Workflow.UtcNow;
        var key = Workflow.NewGuid();
        var total = Pricing$i.Total(amount, Workflow.Random.Next(1, 5));
        _steps.Add(Format$i.Line(id, total));
        var saved = await Workflow.Step("save", ct => Task.FromResult(DateTime.UtcNow.Ticks));
        if (Workflow.GetVersion("change-$i", 1, 2) >= 2)
        {
            await Workflow.Sleep(TimeSpan.FromMinutes(amount % 7));
        }

        return string.Join(';', _steps) + started + key + saved;
    }
}

public static class Pricing$i
{
    public static int Total(int amount, int factor) => Discount(amount * factor) + Tax(amount);
    private static int Discount(int value) => value > 100 ? value - Rounding(value / 10) : value;
    private static int Tax(int value) => Rounding(value * 21 / 100);
    private static int Rounding(int value) => value - value % 5 + (value > 1000 ? Total(value / 1000, 1) : 0);
}

public static class Format$i
{
    public static string Line(string id, int total) => \$"{Pad(id)}:{total,8}";
    private static string Pad(string text) => text.Length > 12 ? text[..12] : text.PadRight(12);
}

[Activity(Retries = 2)]
public partial class Charge$i(HttpClient http)
{
    public async Task<int> ExecuteAsync(int amount, CancellationToken ct)
        => (await http.GetStringAsync(new Uri("http://localhost/charge/$i"), ct).ConfigureAwait(false)).Length + amount;
}

[Activity]
public partial class Notify$i
{
    public Task<string> ExecuteAsync(string email) => Task.FromResult(email + DateTime.UtcNow);
}

[Job(Queue = "jobs$i")]
public partial class Cleanup$i
{
    public async Task ExecuteAsync(int days, CancellationToken ct) => await Task.Delay(days, ct).ConfigureAwait(false);
}

public sealed class Repository$i
{
    private readonly Dictionary<int, string> _items = [];
    public void Add(int id, string value) => _items[id] = value;
    public string? Find(int id) => _items.TryGetValue(id, out var value) ? value : null;
    public IEnumerable<string> All() => _items.OrderBy(pair => pair.Key).Select(pair => pair.Value);
}

public sealed class Service$i(Repository$i repository)
{
    public int Import(IEnumerable<string> lines)
    {
        var count = 0;
        foreach (var line in lines.Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            repository.Add(count++, line.Trim());
        }

        return count;
    }

    public string Report() => string.Join(Environment.NewLine, repository.All().Select((item, index) => \$"{index}: {item}"));
}

public static class Extensions$i
{
    public static string Shorten(this string text, int max) => text.Length <= max ? text : text[..max] + "…";
    public static IEnumerable<int> Evens(this IEnumerable<int> values) => values.Where(v => v % 2 == 0);
}
CS
  done
  echo "$dir/Synthetic$units.csproj"
}

if [[ "$synthetic" -gt 0 ]]; then
  projects+=("$(generate_synthetic "$synthetic")")
fi

targets="$here/CurrantAnalyzers.targets"
build() { # project, on|off, extra args...
  local project="$1" mode="$2"; shift 2
  local switch=()
  [[ "$mode" == off ]] && switch=("-p:CurrantAnalyzers=false" "-p:CurrantAnalyzersProject=$project" "-p:CustomAfterMicrosoftCommonTargets=$targets")
  dotnet build "$project" --no-dependencies --no-incremental -nologo -nodeReuse:false -p:UseSharedCompilation=false \
    "${switch[@]}" "$@" 2>&1
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
minimum() { sort -n | head -1; }
percent() { echo "100 * ($2 - $1) / $1" | bc -l; }
TIMEFORMAT='%R %U %S'

echo "# Analyzer build cost: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(dotnet --version), $runs runs per variant, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| project | .cs files | CPU without (median / min) | CPU with (median / min) | added CPU (median / min) | Csc task without / with (median) | wall without / with (median) | Currant analyzers, compiler's report |"
echo "|---|---|---|---|---|---|---|---|"
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  files="$(find "$(dirname "$project")" -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*' | wc -l)"
  dotnet restore "$project" -nologo -v:q > /dev/null
  build "$project" on > /dev/null || true   # warm-up: disk cache, restore, obj/
  for file in on.wall off.wall on.cpu off.cpu on.csc off.csc; do : > "$workdir/$file"; done
  for ((run = 0; run < runs; run++)); do
    for mode in off on; do
      { time build "$project" "$mode" -clp:PerformanceSummary > "$workdir/output" || true; } 2> "$workdir/time"
      csc="$(awk '$3 == "Csc" && $2 == "ms" && !found { print $1; found = 1 }' "$workdir/output")"
      if [[ -z "$csc" ]]; then
        # The compiler did not run (a failed restore, a locked file): such a run measures nothing.
        echo "$name ($mode): no Csc in this build, run discarded" >&2
        continue
      fi
      read -r real user sys < "$workdir/time"
      echo "$csc" >> "$workdir/$mode.csc"
      echo "$real * 1000" | bc -l | xargs printf '%.0f\n' >> "$workdir/$mode.wall"
      echo "($user + $sys) * 1000" | bc -l | xargs printf '%.0f\n' >> "$workdir/$mode.cpu"
    done
  done
  wall_off=$(median < "$workdir/off.wall"); wall_on=$(median < "$workdir/on.wall")
  cpu_off=$(median < "$workdir/off.cpu"); cpu_on=$(median < "$workdir/on.cpu")
  min_off=$(minimum < "$workdir/off.cpu"); min_on=$(minimum < "$workdir/on.cpu")
  csc_off=$(median < "$workdir/off.csc"); csc_on=$(median < "$workdir/on.csc")
  report="$(build "$project" on -p:ReportAnalyzer=true -v:d || true)"
  currant="$(grep -E '^\s+[0-9.<]+\s+[0-9<]+\s+Currant\.Analyzers, Version' <<< "$report" | head -1 | awk '{ print $1 " s (" $2 "% of analyzer time)" }' || true)"
  total="$(grep -m1 'Total analyzer execution time' <<< "$report" | sed -E 's/.*time: ([0-9.]+) seconds.*/\1 s/' || true)"
  printf '| %s | %s | %s / %s ms | %s / %s ms | %+.1f%% / %+.1f%% | %s / %s ms | %s / %s ms | %s, all analyzers %s |\n' \
    "$name" "$files" "$cpu_off" "$min_off" "$cpu_on" "$min_on" "$(percent "$cpu_off" "$cpu_on")" "$(percent "$min_off" "$min_on")" \
    "$csc_off" "$csc_on" "$wall_off" "$wall_on" "${currant:-?}" "${total:-?}"
done
