using System.Collections.Immutable;
using System.Globalization;
using Currant.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Currant.Analyzers;

/// <summary>
/// CUR2040: the retry delays, backoff and heartbeat timeout of a [Job] or [Activity] attribute. The generator drops an
/// invalid value (the worker's default then applies), so this rule is what tells the user.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RetrySettingsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidRetrySetting);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (CurrantSymbols.TryCreate(start.Compilation) is not { } symbols)
            {
                return;
            }

            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, symbols), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, CurrantSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        foreach (var attribute in type.GetAttributes())
        {
            var kind = SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.JobAttribute) ? "Job"
                : SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.ActivityAttribute) ? "Activity"
                : null;
            if (kind is null)
            {
                continue;
            }

            double? delay = null, backoff = null, maxDelay = null, heartbeat = null;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Value.Kind != TypedConstantKind.Primitive || argument.Value.Value is not double value)
                {
                    continue;
                }

                switch (argument.Key)
                {
                    case "RetryDelay":
                        delay = value;
                        break;
                    case "RetryBackoff":
                        backoff = value;
                        break;
                    case "RetryMaxDelay":
                        maxDelay = value;
                        break;
                    case "HeartbeatTimeout":
                        heartbeat = value;
                        break;
                }
            }

            void Report(string property, double value, string problem)
                => context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidRetrySetting, ArgumentLocation(attribute, property) ?? type.Locations[0],
                    kind, property, value.ToString("R", CultureInfo.InvariantCulture), type.Name, problem));

            if (delay is { } d && !(d >= 0))
            {
                Report("RetryDelay", d, "is invalid: the delay before a retry cannot be negative (0 retries at once; leave it out for the worker's default)");
            }

            if (backoff is { } b && !(b >= 1 && !double.IsInfinity(b)))
            {
                Report("RetryBackoff", b, "is invalid: the backoff coefficient must be at least 1 (1 keeps the delay constant)");
            }

            if (maxDelay is { } m && !(m > 0))
            {
                Report("RetryMaxDelay", m, "is invalid: the longest delay must be positive");
            }
            else if (maxDelay is { } max && delay is { } first && first >= 0 && max < first)
            {
                Report("RetryMaxDelay", max, $"is less than its RetryDelay ({first.ToString("R", CultureInfo.InvariantCulture)}): the longest delay cannot be shorter than the first");
            }

            if (heartbeat is { } h && !(h >= 0))
            {
                Report("HeartbeatTimeout", h, "is invalid: a heartbeat timeout cannot be negative (0 means none)");
            }
        }
    }

    private static Location? ArgumentLocation(AttributeData attribute, string property)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } list })
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == property)
                {
                    return argument.GetLocation();
                }
            }
        }

        return null;
    }
}
