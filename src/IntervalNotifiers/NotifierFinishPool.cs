using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace IntervalNotifiers;

/// <summary>
/// A fixed-capacity, thread-safe pool of finish objects, for starts that must not allocate (the kernel's advice:
/// allocate the finish without sleeping in the start, and prefer a small pool over the allocator).
/// </summary>
/// <remarks>
/// <para>All capacity objects are created by the constructor; <see cref="TryRent"/> and
/// <see cref="Return"/> allocate nothing and never block (a lock-free stack with a version tag against ABA).</para>
/// <para>Typical use: rent in <see cref="IntervalNotifierOps.InvalidateStart"/>; when the pool is empty, do the
/// whole invalidation in the start and hand out <see langword="null"/> (no second pass, as the kernel's xe driver
/// does when its embedded finish is in use); return the object at the end of
/// <see cref="IntervalNotifierOps.InvalidateFinish"/>. A pool of capacity 1 is the C# form of xe's embedded finish
/// guarded by an in-use flag.</para>
/// </remarks>
/// <typeparam name="TFinish">The finish type; the pool creates its objects with its parameterless constructor.</typeparam>
public sealed class NotifierFinishPool<TFinish> where TFinish : NotifierFinish, new()
{
    private const long IndexMask = 0xFFFF_FFFFL;

    // Low 32 bits: index + 1 of the top free slot (0 = empty). High 32 bits: a version bumped by every change.
    private long _head;

    private readonly TFinish[] _items;

    // _next[i] = index + 1 of the slot below slot i on the free stack (0 = bottom).
    private readonly int[] _next;

    /// <summary>Creates a pool and all of its <paramref name="capacity"/> finish objects.</summary>
    /// <param name="capacity">How many finish objects the pool holds; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public NotifierFinishPool(int capacity)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A finish pool holds at least one object.");
        }

        _items = new TFinish[capacity];
        _next = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            var item = new TFinish();
            item.Pool = this;
            item.PoolIndex = i;
            _items[i] = item;
            _next[i] = i; // slot i sits on slot i - 1 (stored as index + 1 = i)
        }

        Volatile.Write(ref _head, capacity); // top = the last slot, version 0
    }

    /// <summary>How many finish objects the pool holds (rented or not).</summary>
    public int Capacity => _items.Length;

    /// <summary>
    /// Rents a finish object, or returns <see langword="false"/> when all of them are rented: then do the whole
    /// invalidation in the start and hand out <see langword="null"/>.
    /// </summary>
    /// <param name="finish">The rented object, its runtime-owned fields cleared; null when the pool is empty.</param>
    /// <returns>Whether a finish was rented.</returns>
    public bool TryRent([NotNullWhen(true)] out TFinish? finish)
    {
        while (true)
        {
            long head = Volatile.Read(ref _head);
            int top = (int)(head & IndexMask);
            if (top == 0)
            {
                finish = null;
                return false;
            }

            int next = Volatile.Read(ref _next[top - 1]);
            long newHead = (((head >>> 32) + 1) << 32) | (uint)next;
            if (Interlocked.CompareExchange(ref _head, newHead, head) == head)
            {
                finish = _items[top - 1];
                Volatile.Write(ref finish.Rented, 1);
                return true;
            }
        }
    }

    /// <summary>
    /// Returns a rented finish to the pool, typically at the end of <see cref="IntervalNotifierOps.InvalidateFinish"/>
    /// (or in the start, when a rented finish is not handed out after all). Clears the runtime-owned fields, so
    /// <see cref="NotifierFinish.Notifier"/> throws until the object is linked again.
    /// </summary>
    /// <param name="finish">A finish rented from this pool.</param>
    /// <exception cref="ArgumentNullException"><paramref name="finish"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="finish"/> does not belong to this pool.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="finish"/> is not rented (returned twice), or it
    /// is still linked into a two-pass list (its finish pass has not run). The pool is not changed.</exception>
    public void Return(TFinish finish)
    {
        if (finish is null)
        {
            throw new ArgumentNullException(nameof(finish));
        }

        if (!ReferenceEquals(finish.Pool, this))
        {
            throw new ArgumentException(
                "This finish object does not belong to this pool: return it to the pool it was rented from.",
                nameof(finish));
        }

        if (finish.IsLinked)
        {
            throw new InvalidOperationException(
                "This finish is still linked into a two-pass list: return it from InvalidateFinish, after the " +
                "runtime has handed it to the finish pass, not before.");
        }

        if (Interlocked.CompareExchange(ref finish.Rented, 0, 1) != 1)
        {
            throw new InvalidOperationException("This finish is not rented: it was returned twice.");
        }

        finish.ResetRuntimeState();
        int index = finish.PoolIndex;
        while (true)
        {
            long head = Volatile.Read(ref _head);
            Volatile.Write(ref _next[index], (int)(head & IndexMask));
            long newHead = (((head >>> 32) + 1) << 32) | (uint)(index + 1);
            if (Interlocked.CompareExchange(ref _head, newHead, head) == head)
            {
                return;
            }
        }
    }

    /// <summary>How many objects are available right now (a racy snapshot, for tests and diagnostics).</summary>
    internal int AvailableCount
    {
        get
        {
            int count = 0;
            for (int top = (int)(Volatile.Read(ref _head) & IndexMask); top != 0 && count <= _items.Length; top = Volatile.Read(ref _next[top - 1]))
            {
                count++;
            }

            return count;
        }
    }
}
