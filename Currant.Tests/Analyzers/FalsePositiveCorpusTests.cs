using VerifyDeclarations = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.DeclarationAnalyzer>;
using VerifyVersions = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.GetVersionAnalyzer>;
using VerifyWorkflowCode = Currant.Tests.Analyzers.Infrastructure.AnalyzerVerifier<Currant.Analyzers.WorkflowCodeAnalyzer>;

namespace Currant.Tests.Analyzers;

/// <summary>
/// Realistic, correct workflow code must get no diagnostic at all: LINQ, records, pattern matching, invariant
/// formatting, dictionaries in insertion order, frozen collections, local functions, generic helpers, static readonly
/// configuration, initializers of value objects, steps that return their result, Workflow.Logger. Every new rule is
/// run against it; a diagnostic here is a false positive to fix in the rule, not in the corpus.
/// </summary>
public sealed class FalsePositiveCorpusTests
{
    private const string Corpus = """
        using System;
        using System.Collections.Frozen;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Globalization;
        using System.Linq;
        using System.Text;
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Currant;
        using Microsoft.Extensions.Logging;

        namespace Shop;

        public enum Tier { Basic, Gold, Platinum }

        public sealed record Line(string Sku, int Quantity, decimal UnitPrice)
        {
            public decimal Total => Quantity * UnitPrice;
        }

        public sealed record OrderRequest(string OrderId, string Customer, Tier Tier, IReadOnlyList<Line> Lines, string Currency = "EUR");

        public sealed record Shipment(string OrderId, string Carrier, DateTime DueBy)
        {
            public List<string> Notes { get; init; } = new();
            public string Reference { get; init; } = string.Empty;
        }

        public readonly record struct Money(decimal Amount, string Currency)
        {
            public override string ToString() => Amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + Currency;
            public static Money operator +(Money a, Money b) => new(a.Amount + b.Amount, a.Currency);
        }

        public sealed class Receipt
        {
            public List<Line> Lines { get; } = new();
            public Dictionary<string, decimal> TaxBySku { get; } = new(StringComparer.Ordinal);
            public int Version { get; set; } = 1;
        }

        public static class Catalog
        {
            public const int MaxLines = 50;
            public static readonly TimeSpan PaymentWindow = TimeSpan.FromDays(3);
            public static readonly ImmutableArray<string> Carriers = ImmutableArray.Create("dhl", "ups", "post");
            public static readonly FrozenDictionary<Tier, decimal> Discounts = new Dictionary<Tier, decimal>
            {
                [Tier.Basic] = 0m,
                [Tier.Gold] = 0.05m,
                [Tier.Platinum] = 0.1m,
            }.ToFrozenDictionary();
            public static readonly IReadOnlyDictionary<string, int> Warehouses = new Dictionary<string, int> { ["north"] = 1, ["south"] = 2 };
            private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

            public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);
        }

        public static class Pricing
        {
            public static Money Subtotal(IEnumerable<Line> lines, string currency)
                => new(lines.Sum(l => l.Total), currency);

            public static Money Discounted(Money subtotal, Tier tier)
                => subtotal with { Amount = Math.Round(subtotal.Amount * (1 - Catalog.Discounts[tier]), 2, MidpointRounding.ToEven) };

            public static T Largest<T>(IEnumerable<T> items, Func<T, decimal> by)
                where T : notnull
                => items.OrderByDescending(by).ThenBy(i => i.ToString(), StringComparer.Ordinal).First();

            public static string Label(Money money) => string.Create(CultureInfo.InvariantCulture, $"{money.Amount:N2} {money.Currency}");
        }

        [Activity(Retries = 3, Timeout = 60)]
        public partial class ChargeCard
        {
            public Task<string> ExecuteAsync(string orderId, decimal amount, CancellationToken ct) => Task.FromResult(orderId + DateTime.UtcNow.Ticks);
            [GeneratedStub(GeneratedStubKind.Run)]
            public static Task<string> Run(string orderId, decimal amount) => Task.FromResult(orderId);
        }

        [Activity]
        public partial class Reserve
        {
            public Task<bool> ExecuteAsync(string sku, int quantity, int warehouse) => Task.FromResult(quantity > 0);
            [GeneratedStub(GeneratedStubKind.Run)]
            public static Task<bool> Run(string sku, int quantity, int warehouse) => Task.FromResult(true);
        }

        [Activity]
        public partial class Ship
        {
            public Task<Shipment> ExecuteAsync(Shipment shipment) => Task.FromResult(shipment);
            [GeneratedStub(GeneratedStubKind.Run)]
            public static Task<Shipment> Run(Shipment shipment) => Task.FromResult(shipment);
        }

        [Workflow(Queue = "orders", Version = 2)]
        public partial class ProcessOrder
        {
            private readonly Dictionary<string, int> _reserved = new(StringComparer.Ordinal);
            private readonly List<string> _events = [];
            private string _status = "new";

            public async Task<string> RunAsync(OrderRequest request)
            {
                if (request is not { Lines.Count: > 0 and <= Catalog.MaxLines } valid)
                {
                    return "rejected";
                }

                var subtotal = Pricing.Subtotal(valid.Lines, valid.Currency);
                var total = Pricing.Discounted(subtotal, valid.Tier);
                var biggest = Pricing.Largest(valid.Lines, l => l.Total);
                Workflow.Logger.LogInformation("Order {Order}: {Total}, biggest line {Sku}", valid.OrderId, Pricing.Label(total), biggest.Sku);

                // Reserve per warehouse, in a stable order, in parallel.
                var bySku = valid.Lines
                    .GroupBy(l => l.Sku, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);
                var reservations = bySku
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => Reserve.Run(p.Key, p.Value, WarehouseFor(p.Key)))
                    .ToList();
                var reserved = await Task.WhenAll(reservations);
                foreach (var (sku, quantity) in bySku)
                {
                    _reserved[sku] = quantity;
                }

                if (reserved.Any(ok => !ok))
                {
                    _status = "out-of-stock";
                    return _status;
                }

                var paymentId = await Workflow.Step("payment-reference", ct => Task.FromResult(Catalog.Serialize(new { valid.OrderId, total.Amount })));
                var charged = await ChargeCard.Run(valid.OrderId, total.Amount);
                _events.Add("charged:" + charged);

                var carrier = valid.Tier switch
                {
                    Tier.Platinum => Catalog.Carriers[0],
                    Tier.Gold when total.Amount > 100m => Catalog.Carriers[1],
                    _ => Catalog.Carriers[^1],
                };
                var due = Workflow.UtcNow + Catalog.PaymentWindow;
                var shipment = await Ship.Run(new Shipment(valid.OrderId, carrier, due)
                {
                    Reference = string.Join("-", valid.OrderId, due.ToString("o"), paymentId.Length.ToString(CultureInfo.InvariantCulture)),
                    Notes = { "tier:" + valid.Tier, "lines:" + valid.Lines.Count.ToString(CultureInfo.InvariantCulture) },
                });

                var receipt = new Receipt();
                receipt.Lines.AddRange(valid.Lines);
                foreach (var line in valid.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
                {
                    receipt.TaxBySku[line.Sku] = Math.Round(line.Total * 0.2m, 2);
                }

                var summary = new StringBuilder();
                foreach (var (sku, tax) in receipt.TaxBySku)
                {
                    summary.Append(sku).Append('=').Append(tax.ToString(CultureInfo.InvariantCulture)).Append(';');
                }

                _status = Describe(shipment);
                return _status + "|" + summary + "|" + string.Join(",", _events);

                int WarehouseFor(string sku) => Catalog.Warehouses.TryGetValue(sku.StartsWith('n') ? "north" : "south", out var id) ? id : 0;

                static string Describe(Shipment s) => s switch
                {
                    { Carrier: "dhl", DueBy: var d } when d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday => "weekend:" + s.OrderId,
                    { Notes.Count: > 1 } => "shipped:" + s.Reference,
                    _ => "shipped",
                };
            }
        }

        [Workflow]
        public partial class Approval
        {
            private readonly HashSet<string> _approvers = new(StringComparer.Ordinal);
            private readonly SortedDictionary<string, DateTime> _seen = new(StringComparer.Ordinal);

            public async Task<string> RunAsync(string documentId, int needed, ImmutableHashSet<string> allowed)
            {
                var deadline = Workflow.UtcNow.AddDays(7);
                while (_approvers.Count < needed && Workflow.UtcNow < deadline)
                {
                    var who = await Workflow.WaitForSignal<string>("approve", TimeSpan.FromDays(1));
                    if (allowed.Contains(who) && _approvers.Add(who))
                    {
                        _seen[who] = Workflow.UtcNow;
                    }
                }

                var version = Workflow.GetVersion("approval-summary", 1, 2);
                var names = allowed.Where(_approvers.Contains).OrderBy(n => n, StringComparer.Ordinal);
                var first = _seen.Count > 0 ? _seen.Keys.First() : "nobody";
                var rate = ((double)_approvers.Count / Math.Max(1, needed)).ToString("P0", CultureInfo.InvariantCulture);
                var id = Workflow.NewGuid().ToString("N");
                return version >= 2
                    ? string.Join(",", names) + "|" + first + "|" + rate + "|" + id + "|" + allowed.Count
                    : documentId;
            }
        }
        """;

    [Test]
    public Task WorkflowCodeRules_OnRealisticWorkflowCode_ReportNothing() => VerifyWorkflowCode.VerifyAsync(Corpus);

    [Test]
    public Task DeclarationRules_OnRealisticWorkflowCode_ReportNothing() => VerifyDeclarations.VerifyAsync(Corpus);

    [Test]
    public Task GetVersionRules_OnRealisticWorkflowCode_ReportNothing() => VerifyVersions.VerifyAsync(Corpus);
}
