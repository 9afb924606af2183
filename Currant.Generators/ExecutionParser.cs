using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Currant.Generators.Model;
using Currant.Shapes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Currant.Generators;

/// <summary>
/// Turns an attributed class into an <see cref="ExecutionModel"/>, or null when its shape is invalid. Invalid shapes
/// are skipped silently: the analyzers report them, so the generator never emits code that cannot compile.
/// </summary>
internal static class ExecutionParser
{
    // Fully qualified, keywords escaped, special types as keywords, nullable annotations kept.
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static ExecutionModel? Parse(GeneratorAttributeSyntaxContext context, ExecutionModelKind kind, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type
            || context.TargetNode is not TypeDeclarationSyntax declaration
            || context.Attributes.Length != 1)
        {
            return null;
        }

        if (type.TypeKind != TypeKind.Class || type.IsStatic || type.IsAbstract || type.IsGenericType || type.IsFileLocal
            || !IsPartial(declaration))
        {
            return null;
        }

        var containingTypes = ParseContainingTypes(type, declaration);
        if (containingTypes is null)
        {
            return null;
        }

        var compilation = context.SemanticModel.Compilation;
        var obsolete = compilation.GetTypeByMetadataName("System.ObsoleteAttribute");
        var typeWarnings = new SortedSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null; current = current.ContainingType)
        {
            // An error-level [Obsolete] makes any reference a compile error; a warning is suppressed where emitted.
            if (!AddObsoleteWarnings(current, obsolete, typeWarnings))
            {
                return null;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var shapes = new EntryMethodShapes(compilation);
        var method = ParseMethod(type, kind == ExecutionModelKind.Workflow ? "RunAsync" : "ExecuteAsync", shapes, obsolete);
        var constructorParameters = method is null || shapes.ConstructorProblem(type) is not null ? null : ParseConstructor(type);
        if (method is null || constructorParameters is null)
        {
            return null;
        }

        var settings = ReadAttribute(context.Attributes[0], compilation);
        var name = settings.Name ?? type.Name;
        if (name.Trim().Length == 0)
        {
            return null;
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? null : StripGlobal(type.ContainingNamespace.ToDisplayString(TypeFormat));
        // Only a valid pair reaches the model; the analyzer reports the others (CUR2060, CUR2061).
        var concurrencyKey = kind == ExecutionModelKind.Job && settings.MaxConcurrency >= 1 && settings.ConcurrencyKey is { } key
            && method.Parameters.Any(p => p.Name == key) ? key : null;
        return new ExecutionModel(
            Kind: kind,
            Name: name,
            Namespace: ns,
            ContainingTypes: new EquatableArray<ContainingTypeModel>(containingTypes),
            Keyword: type.IsRecord ? "record" : "class",
            TypeName: Identifier(type.Name),
            FullyQualifiedName: type.ToDisplayString(TypeFormat),
            MetadataName: MetadataName(type),
            Queue: settings.Queue,
            Retries: settings.Retries < 0 ? null : settings.Retries,
            TimeoutSeconds: settings.Timeout <= 0 ? null : settings.Timeout,
            Priority: settings.Priority,
            Version: kind == ExecutionModelKind.Workflow ? settings.Version : 1,
            NonRetryable: new EquatableArray<string>(settings.NonRetryable),
            Method: method,
            ConstructorParameters: new EquatableArray<string>(constructorParameters),
            Dispose: GetDisposeKind(type, compilation),
            ObsoleteWarnings: new EquatableArray<string>(typeWarnings),
            Retry: kind == ExecutionModelKind.Workflow ? null
                : RetryModel.From(settings.RetryDelay, settings.RetryBackoff, settings.RetryMaxDelay, settings.HeartbeatTimeout),
            ConcurrencyKey: concurrencyKey,
            MaxConcurrency: concurrencyKey is null ? 0 : settings.MaxConcurrency)
        {
            Schedule = kind == ExecutionModelKind.Activity || method.Parameters.Count > 0 ? null : ReadSchedule(type, compilation),
            Handlers = kind == ExecutionModelKind.Workflow ? ParseHandlers(type, compilation) : EquatableArray<HandlerModel>.Empty,
        };
    }

    /// <summary>
    /// The workflow's well-shaped handlers: a handler that breaks a rule, an overloaded handler method and a second
    /// handler of the same kind and name are skipped (the analyzers report them); a validator that does not fit its
    /// update is dropped.
    /// </summary>
    private static EquatableArray<HandlerModel> ParseHandlers(INamedTypeSymbol type, Compilation compilation)
    {
        var shapes = new HandlerShapes(compilation);
        if (shapes.Signal is null)
        {
            return EquatableArray<HandlerModel>.Empty;
        }

        var found = shapes.HandlersOf(type);
        if (found.Count == 0)
        {
            return EquatableArray<HandlerModel>.Empty;
        }

        var validators = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (method, kind, attribute) in found)
        {
            if (kind == HandlerKind.UpdateValidator && shapes.ProblemWith(method, kind) is null && type.GetMembers(method.Name).Length == 1
                && HandlerShapes.ValidatedUpdate(attribute) is { } updateName && shapes.FindUpdate(type, updateName) is { } update
                && HandlerShapes.MismatchWith(method, update) is null && !validators.ContainsKey(updateName))
            {
                validators[updateName] = Identifier(method.Name);
            }
        }

        var result = new List<HandlerModel>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (method, kind, attribute) in found)
        {
            if (kind == HandlerKind.UpdateValidator || shapes.ProblemWith(method, kind) is not null || type.GetMembers(method.Name).Length != 1)
            {
                continue;
            }

            var name = HandlerShapes.NameOf(method, attribute);
            if (!taken.Add(kind + ":" + name))
            {
                continue;
            }

            var returns = shapes.ReturnOf(method, out var resultType);
            var parameters = new List<ParameterModel>();
            foreach (var parameter in method.Parameters)
            {
                var parameterType = parameter.Type.IsReferenceType && parameter.Type.NullableAnnotation == NullableAnnotation.None
                    ? parameter.Type.WithNullableAnnotation(NullableAnnotation.Annotated)
                    : parameter.Type;
                parameters.Add(new ParameterModel(parameter.Name, Identifier(parameter.Name), parameterType.ToDisplayString(TypeFormat), null, false));
            }

            result.Add(new HandlerModel(kind, name, Identifier(method.Name), returns, resultType?.ToDisplayString(TypeFormat),
                new EquatableArray<ParameterModel>(parameters), kind == HandlerKind.Update && validators.TryGetValue(method.Name, out var v) ? v : null));
        }

        return new EquatableArray<HandlerModel>(result);
    }

    /// <summary>The class's <c>[Schedule]</c>, or null (none, or one with a missing expression: CUR2050 reports it).</summary>
    private static ScheduleModel? ReadSchedule(INamedTypeSymbol type, Compilation compilation)
    {
        var scheduleAttribute = compilation.GetTypeByMetadataName("Currant.ScheduleAttribute");
        if (scheduleAttribute is null)
        {
            return null;
        }

        foreach (var attribute in type.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, scheduleAttribute)
                || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string cron)
            {
                continue;
            }

            string? timeZone = null;
            var overlap = "Skip";
            var catchUp = "Latest";
            var window = 0;
            foreach (var argument in attribute.NamedArguments)
            {
                var value = argument.Value;
                switch (argument.Key)
                {
                    case "TimeZone":
                        timeZone = value.Value as string;
                        break;
                    case "Overlap" when value.Value is int o:
                        overlap = EnumMember(value.Type, o) ?? overlap;
                        break;
                    case "CatchUp" when value.Value is int c:
                        catchUp = EnumMember(value.Type, c) ?? catchUp;
                        break;
                    case "CatchUpWindow" when value.Value is int seconds:
                        window = seconds;
                        break;
                }
            }

            return new ScheduleModel(cron, timeZone, overlap, catchUp, window);
        }

        return null;
    }

    /// <summary>The name of the member of <paramref name="enumType"/> with <paramref name="value"/>, or null for a value no member has.</summary>
    private static string? EnumMember(ITypeSymbol? enumType, int value)
        => enumType?.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && f.ConstantValue is int v && v == value)?.Name;

    /// <summary>The well-shaped models of every kind, in one value-equal array (so an equal result is not re-validated).</summary>
    public static EquatableArray<ExecutionModel> Gather(
        ImmutableArray<ExecutionModel?> jobs, ImmutableArray<ExecutionModel?> activities, ImmutableArray<ExecutionModel?> workflows)
        => new(jobs.Concat(activities).Concat(workflows).Where(m => m is not null).Select(m => m!));

    /// <summary>
    /// Keeps the models that are valid for the whole compilation: execution names and classes must be unique across
    /// jobs, activities and workflows (duplicates are dropped together; the analyzers name them). Sorted by name for
    /// deterministic output.
    /// </summary>
    public static EquatableArray<ExecutionModel> SelectValid(EquatableArray<ExecutionModel> candidates, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var model in candidates)
        {
            names[model.Name] = names.TryGetValue(model.Name, out var n) ? n + 1 : 1;
            types[model.FullyQualifiedName] = types.TryGetValue(model.FullyQualifiedName, out var t) ? t + 1 : 1;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new EquatableArray<ExecutionModel>(candidates
            .Where(m => names[m.Name] == 1 && types[m.FullyQualifiedName] == 1)
            .OrderBy(m => m.Name, StringComparer.Ordinal));
    }

    /// <summary>The registry lines for the valid models, in the same (ordinal name) order.</summary>
    public static EquatableArray<RegistryEntry> ToRegistry(EquatableArray<ExecutionModel> models)
        => new(models.Select(m => new RegistryEntry(m.Name, m.FullyQualifiedName, m.ObsoleteWarnings)));

    private static bool IsPartial(TypeDeclarationSyntax declaration)
        => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    private static List<ContainingTypeModel>? ParseContainingTypes(INamedTypeSymbol type, TypeDeclarationSyntax declaration)
    {
        var result = new List<ContainingTypeModel>();
        var syntax = declaration.Parent;
        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (syntax is not TypeDeclarationSyntax containerSyntax || !IsPartial(containerSyntax) || container.Arity > 0)
            {
                return null;
            }

            var keyword = container.TypeKind switch
            {
                TypeKind.Class => container.IsRecord ? "record" : "class",
                TypeKind.Struct => container.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => null,
            };
            if (keyword is null)
            {
                return null;
            }

            result.Insert(0, new ContainingTypeModel(keyword, Identifier(container.Name)));
            syntax = containerSyntax.Parent;
        }

        return result;
    }

    private static MethodModel? ParseMethod(INamedTypeSymbol type, string name, EntryMethodShapes shapes, INamedTypeSymbol? obsolete)
    {
        var candidates = EntryMethodShapes.Candidates(type, name);
        if (candidates.Count != 1)
        {
            return null;
        }

        var method = candidates[0];
        var methodWarnings = new SortedSet<string>(StringComparer.Ordinal);
        var sensitive = shapes.Sensitive;
        if (shapes.ProblemWith(method) is not null || !AddObsoleteWarnings(method, obsolete, methodWarnings))
        {
            return null;
        }

        var returnKind = shapes.ResultKind(method.ReturnType, out var result)!.Value;
        var all = method.Parameters;
        var takesToken = shapes.TakesCancellationToken(method);
        var count = takesToken ? all.Length - 1 : all.Length;

        var parameters = new List<ParameterModel>(count);
        for (var i = 0; i < count; i++)
        {
            var parameter = all[i];
            if (shapes.ProblemWith(parameter, isLast: i == all.Length - 1) is not null)
            {
                return null;
            }

            string? defaultValue = null;
            if (parameter.HasExplicitDefaultValue)
            {
                defaultValue = FormatDefaultValue(parameter.Type, parameter.ExplicitDefaultValue);
                if (defaultValue is null)
                {
                    return null;
                }
            }

            // Code in a '#nullable disable' context has oblivious types; the generated file enables nullable, where an
            // oblivious 'string s = null' would warn. Oblivious means 'may be null', so say so.
            var parameterType = parameter.Type.IsReferenceType && parameter.Type.NullableAnnotation == NullableAnnotation.None
                ? parameter.Type.WithNullableAnnotation(NullableAnnotation.Annotated)
                : parameter.Type;
            parameters.Add(new ParameterModel(
                Name: parameter.Name,
                Identifier: Identifier(parameter.Name),
                Type: parameterType.ToDisplayString(TypeFormat),
                DefaultValue: defaultValue,
                IsParams: parameter.IsParams,
                IsSensitive: IsSensitive(parameter, sensitive)));
        }

        return new MethodModel(method.Name, returnKind, result?.ToDisplayString(TypeFormat), new EquatableArray<ParameterModel>(parameters), takesToken,
            new EquatableArray<string>(methodWarnings));
    }

    private static bool IsSensitive(IParameterSymbol parameter, INamedTypeSymbol? sensitive)
        => sensitive is not null && parameter.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, sensitive));

    /// <summary>The service types of the chosen constructor's parameters (<see cref="EntryMethodShapes.ConstructorProblem"/> found none).</summary>
    private static List<string> ParseConstructor(INamedTypeSymbol type)
    {
        var chosen = EntryMethodShapes.ChosenConstructor(type, out _)!;
        var result = new List<string>(chosen.Parameters.Length);
        foreach (var parameter in chosen.Parameters)
        {
            // GetService<T> has a notnull constraint: ask for the underlying service; it converts to the nullable parameter.
            var serviceType = parameter.Type;
            if (serviceType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                serviceType = nullable.TypeArguments[0];
            }
            else if (serviceType.IsReferenceType)
            {
                serviceType = serviceType.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            }

            result.Add(serviceType.ToDisplayString(TypeFormat));
        }

        return result;
    }

    /// <summary>
    /// Adds the warning IDs a reference to an [Obsolete] <paramref name="symbol"/> raises (CS0612/CS0618, or its own
    /// DiagnosticId); false when it is obsolete as an error.
    /// </summary>
    private static bool AddObsoleteWarnings(ISymbol symbol, INamedTypeSymbol? obsolete, SortedSet<string> warnings)
    {
        var attribute = symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, obsolete));
        if (attribute is null)
        {
            return true;
        }

        if (attribute.ConstructorArguments.Length == 2 && attribute.ConstructorArguments[1].Value is true)
        {
            return false;
        }

        var custom = attribute.NamedArguments.FirstOrDefault(a => a.Key == "DiagnosticId").Value.Value as string;
        if (custom is { Length: > 0 })
        {
            warnings.Add(custom);
        }
        else
        {
            warnings.Add("CS0612");
            warnings.Add("CS0618");
        }

        return true;
    }

    private static DisposeKind GetDisposeKind(INamedTypeSymbol type, Compilation compilation)
    {
        var asyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
        if (asyncDisposable is not null && type.AllInterfaces.Contains(asyncDisposable, SymbolEqualityComparer.Default))
        {
            return DisposeKind.AsyncDisposable;
        }

        return type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_IDisposable) ? DisposeKind.Disposable : DisposeKind.None;
    }

    private static AttributeSettings ReadAttribute(AttributeData attribute, Compilation compilation)
    {
        var settings = new AttributeSettings();
        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value;
            if (value.Kind == TypedConstantKind.Error)
            {
                continue;
            }

            switch (argument.Key)
            {
                case "Name":
                    settings.Name = value.Value as string;
                    break;
                case "Queue":
                    settings.Queue = value.Value as string;
                    break;
                case "Retries" when value.Value is int retries:
                    settings.Retries = retries;
                    break;
                case "Timeout" when value.Value is int timeout:
                    settings.Timeout = timeout;
                    break;
                case "RetryDelay" when value.Value is double retryDelay:
                    settings.RetryDelay = retryDelay;
                    break;
                case "RetryBackoff" when value.Value is double retryBackoff:
                    settings.RetryBackoff = retryBackoff;
                    break;
                case "RetryMaxDelay" when value.Value is double retryMaxDelay:
                    settings.RetryMaxDelay = retryMaxDelay;
                    break;
                case "HeartbeatTimeout" when value.Value is double heartbeatTimeout:
                    settings.HeartbeatTimeout = heartbeatTimeout;
                    break;
                case "Priority" when value.Value is int priority:
                    settings.Priority = priority;
                    break;
                case "ConcurrencyKey":
                    settings.ConcurrencyKey = value.Value as string;
                    break;
                case "MaxConcurrency" when value.Value is int maxConcurrency:
                    settings.MaxConcurrency = maxConcurrency;
                    break;
                case "Version" when value.Value is int version:
                    settings.Version = version;
                    break;
                case "NonRetryable" when value.Kind == TypedConstantKind.Array && !value.IsNull:
                    var exception = compilation.GetTypeByMetadataName("System.Exception");
                    foreach (var element in value.Values)
                    {
                        // Anything but a closed exception type would make 'ex is T' a warning or an error.
                        if (element.Value is INamedTypeSymbol { IsUnboundGenericType: false } type && DerivesFrom(type, exception))
                        {
                            var name = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat);
                            if (!settings.NonRetryable.Contains(name))
                            {
                                settings.NonRetryable.Add(name);
                            }
                        }
                    }

                    break;
            }
        }

        return settings;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The C# expression for a parameter's default value, or null if it cannot be written.</summary>
    private static string? FormatDefaultValue(ITypeSymbol type, object? value)
    {
        var isNullable = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        if (value is null)
        {
            // 'default' covers 'CancellationToken ct = default', 'DateTime d = default' and 'S s = new S()'.
            return type.IsValueType && !isNullable ? "default" : "null";
        }

        var underlying = isNullable ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        if (underlying is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            return FormatEnum(enumType, value);
        }

        return FormatPrimitive(value);
    }

    private static string? FormatEnum(INamedTypeSymbol enumType, object value)
    {
        var typeName = enumType.ToDisplayString(TypeFormat);
        foreach (var member in enumType.GetMembers().OfType<IFieldSymbol>())
        {
            if (member.HasConstantValue && Equals(member.ConstantValue, value))
            {
                return typeName + "." + Identifier(member.Name);
            }
        }

        var number = FormatPrimitive(value);
        return number is null ? null : "(" + typeName + ")(" + number + ")";
    }

    private static string? FormatPrimitive(object value)
    {
        var invariant = CultureInfo.InvariantCulture;
        return value switch
        {
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            bool b => b ? "true" : "false",
            int i => i.ToString(invariant),
            uint u => u.ToString(invariant) + "U",
            long l => l.ToString(invariant) + "L",
            ulong ul => ul.ToString(invariant) + "UL",
            // Narrow integers convert implicitly from an in-range constant int.
            byte or sbyte or short or ushort => Convert.ToInt32(value, invariant).ToString(invariant),
            float f when float.IsNaN(f) => "global::System.Single.NaN",
            float f when float.IsPositiveInfinity(f) => "global::System.Single.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "global::System.Single.NegativeInfinity",
            float f => f.ToString("R", invariant) + "F",
            double d when double.IsNaN(d) => "global::System.Double.NaN",
            double d when double.IsPositiveInfinity(d) => "global::System.Double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "global::System.Double.NegativeInfinity",
            double d => d.ToString("R", invariant) + "D",
            decimal m => m.ToString(invariant) + "M",
            _ => null,
        };
    }

    /// <summary>Escapes a name that is a C# keyword (<c>@class</c>).</summary>
    private static string Identifier(string name)
        => SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;

    private static string StripGlobal(string name)
        => name.StartsWith("global::", StringComparison.Ordinal) ? name.Substring("global::".Length) : name;

    private static string MetadataName(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            names.Insert(0, current.MetadataName);
        }

        var nested = string.Join("+", names);
        return type.ContainingNamespace.IsGlobalNamespace ? nested : type.ContainingNamespace.ToDisplayString() + "." + nested;
    }

    private sealed class AttributeSettings
    {
        public string? Name { get; set; }

        public string? Queue { get; set; }

        public int Retries { get; set; } = -1;

        public int Timeout { get; set; }

        public int Priority { get; set; }

        public int Version { get; set; } = 1;

        public string? ConcurrencyKey { get; set; }

        public int MaxConcurrency { get; set; }

        public List<string> NonRetryable { get; } = [];

        public double? RetryDelay { get; set; }

        public double? RetryBackoff { get; set; }

        public double? RetryMaxDelay { get; set; }

        public double? HeartbeatTimeout { get; set; }
    }
}
