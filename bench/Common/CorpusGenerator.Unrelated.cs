// Shared by bench/IntervalNotifiers.AnalyzerBench (the command-line tool) and the BenchmarkDotNet
// analyzer benchmarks of bench/IntervalNotifiers.Bench (linked into both projects).
using System;

namespace IntervalNotifiers.AnalyzerBench;

// Code that does not use the runtime, mixed into every file.
public static partial class CorpusGenerator
{
    /// <summary>Code that has nothing to do with the runtime.</summary>
    private static void Unrelated(Writer w, Random random, string n)
    {
        switch (random.Next(6))
        {
            case 0:
                w.Line($"public sealed record Order{n}(int Id, string Customer, decimal Amount, DateTime Placed);");
                w.Line();
                w.Open($"public static class OrderQueries{n}");
                w.Open($"public static IReadOnlyList<(string Customer, decimal Total)> TopCustomers(IEnumerable<Order{n}> orders, int count)");
                w.Line("return orders.Where(o => o.Amount > 0)");
                w.Line("             .GroupBy(o => o.Customer)");
                w.Line("             .Select(g => (Customer: g.Key, Total: g.Sum(o => o.Amount)))");
                w.Line("             .OrderByDescending(t => t.Total)");
                w.Line("             .ThenBy(t => t.Customer, StringComparer.Ordinal)");
                w.Line("             .Take(count)");
                w.Line("             .ToList();");
                w.Close();
                w.Line();
                w.Open($"public static ILookup<int, Order{n}> ByMonth(IEnumerable<Order{n}> orders)");
                w.Line("return (from o in orders where o.Placed.Year >= 2020 orderby o.Placed select o).ToLookup(o => o.Placed.Month);");
                w.Close();
                w.Close();
                w.Line();
                break;
            case 1:
                w.Open($"public sealed class Fetcher{n}");
                w.Line("private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);");
                w.Line("private readonly Dictionary<string, string> _cache = new Dictionary<string, string>(StringComparer.Ordinal);");
                w.Line();
                w.Open("public async Task<string> GetAsync(string key, CancellationToken cancellationToken)");
                w.Open("lock (_cache)");
                w.Open("if (_cache.TryGetValue(key, out var hit))");
                w.Line("return hit;");
                w.Close();
                w.Close();
                w.Line();
                w.Line("await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);");
                w.Open("try");
                w.Line("await Task.Delay(1, cancellationToken).ConfigureAwait(false);");
                w.Line("var value = key.ToUpperInvariant();");
                w.Open("lock (_cache)");
                w.Line("_cache[key] = value;");
                w.Close();
                w.Line();
                w.Line("return value;");
                w.Close();
                w.Open("finally");
                w.Line("_gate.Release();");
                w.Close();
                w.Close();
                w.Line();
                w.Open("public async IAsyncEnumerable<string> StreamAsync(IEnumerable<string> keys)");
                w.Open("foreach (var key in keys)");
                w.Line("yield return await GetAsync(key, CancellationToken.None).ConfigureAwait(false);");
                w.Close();
                w.Close();
                w.Close();
                w.Line();
                break;
            case 2:
                w.Line($"public abstract record Shape{n};");
                w.Line($"public sealed record Circle{n}(double Radius) : Shape{n};");
                w.Line($"public sealed record Rect{n}(double Width, double Height) : Shape{n};");
                w.Line();
                w.Open($"public static class Geometry{n}");
                w.Line($"public static double Area(Shape{n} shape) => shape switch");
                w.Line("{");
                w.Line($"    Circle{n} c => Math.PI * c.Radius * c.Radius,");
                w.Line($"    Rect{n} {{ Width: var width, Height: var height }} => width * height,");
                w.Line("    _ => throw new ArgumentOutOfRangeException(nameof(shape)),");
                w.Line("};");
                w.Line();
                w.Line($"public static string Describe(Shape{n} shape) => Area(shape) switch");
                w.Line("{");
                w.Line("    < 1.0 => \"small\",");
                w.Line("    >= 1.0 and < 100.0 => \"medium\",");
                w.Line("    _ => \"large\",");
                w.Line("};");
                w.Close();
                w.Line();
                break;
            case 3:
                w.Open($"public sealed class RingBuffer{n}<T>");
                w.Line("private readonly T[] _items;");
                w.Line("private int _head;");
                w.Line("private int _count;");
                w.Line();
                w.Open($"public RingBuffer{n}(int capacity)");
                w.Line("if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity));");
                w.Line("_items = new T[capacity];");
                w.Close();
                w.Line();
                w.Line("public int Count => _count;");
                w.Line();
                w.Open("public void Add(T item)");
                w.Line("_items[(_head + _count) % _items.Length] = item;");
                w.Open("if (_count == _items.Length)");
                w.Line("_head = (_head + 1) % _items.Length;");
                w.Close();
                w.Open("else");
                w.Line("_count++;");
                w.Close();
                w.Close();
                w.Line();
                w.Open("public IEnumerable<T> Items()");
                w.Open("for (var i = 0; i < _count; i++)");
                w.Line("yield return _items[(_head + i) % _items.Length];");
                w.Close();
                w.Close();
                w.Close();
                w.Line();
                break;
            case 4:
                w.Open($"public interface IStore{n}");
                w.Line("bool TryGet(int key, out string? value);");
                w.Line("void Put(int key, string value);");
                w.Close();
                w.Line();
                w.Open($"public sealed class MemoryStore{n} : IStore{n}");
                w.Line("private readonly Dictionary<int, string> _values = new Dictionary<int, string>();");
                w.Line("private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();");
                w.Line();
                w.Open("public bool TryGet(int key, out string? value)");
                w.Line("_lock.EnterReadLock();");
                w.Line("try { return _values.TryGetValue(key, out value); }");
                w.Line("finally { _lock.ExitReadLock(); }");
                w.Close();
                w.Line();
                w.Open("public void Put(int key, string value)");
                w.Line("_lock.EnterWriteLock();");
                w.Line("try { _values[key] = value; }");
                w.Line("finally { _lock.ExitWriteLock(); }");
                w.Close();
                w.Close();
                w.Line();
                break;
            default:
                w.Open($"public struct Stats{n}");
                w.Line("public long Count;");
                w.Line("public double Sum;");
                w.Line("public double SumOfSquares;");
                w.Line();
                w.Open("public void Add(double value)");
                w.Line("Count++;");
                w.Line("Sum += value;");
                w.Line("SumOfSquares += value * value;");
                w.Close();
                w.Line();
                w.Line("public readonly double Mean => Count == 0 ? 0 : Sum / Count;");
                w.Line();
                w.Line("public readonly double Variance => Count < 2 ? 0 : (SumOfSquares - Sum * Sum / Count) / (Count - 1);");
                w.Line();
                w.Line($"public static Stats{n} Of(IEnumerable<double> values)");
                w.Open("");
                w.Line($"var stats = new Stats{n}();");
                w.Line("foreach (var value in values) stats.Add(value);");
                w.Line("return stats;");
                w.Close();
                w.Close();
                w.Line();
                break;
        }
    }
}
