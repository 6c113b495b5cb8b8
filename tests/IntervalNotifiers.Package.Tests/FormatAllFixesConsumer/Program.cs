// The program over the fixed consumer: every ops type of the assembly is inserted and invalidated. The working
// types share one address space: five rounds of an atomic and a blockable invalidation over all of them, then of
// each one on its own; every reader must see every blockable invalidation (CheckRetry). Each [FailsLoudly] type is
// invalidated on its own and must throw NotImplementedException naming the callback to write. At the end every
// pool must be whole. Each reader (IReader) maps, loses its mapping to an invalidation and maps again, always under
// the lock its callback takes.
using System;
using System.Collections.Generic;
using System.Linq;
using IntervalNotifiers;

namespace Consumer
{
    public static class Program
    {
        public static int Main()
        {
            var types = typeof(Program).Assembly.GetTypes()
                .Where(t => typeof(IntervalNotifierOps).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .ToList();
            var failures = 0;

            var space = new AddressSpace();
            var notifiers = new List<IntervalNotifier>();
            ulong end = 0x1000;
            foreach (var type in types.Where(t => !t.IsDefined(typeof(FailsLoudlyAttribute), inherit: false)))
            {
                var notifier = new IntervalNotifier((IntervalNotifierOps)Activator.CreateInstance(type)!);
                notifier.Insert(space, end, 0x1000);
                notifiers.Add(notifier);
                end += 0x1000;
            }

            for (var round = 0; round < 5; round++)
            {
                // Every notifier at once: an atomic invalidation (the walk stops at the first callback that returns
                // false), then a blockable one that every reader must see.
                var atomic = new NotifierRange(0x1000, end, blockable: false);
                if (space.InvalidateRangeStart(atomic))
                {
                    space.InvalidateRangeEnd(atomic);
                }

                var sequences = new ulong[notifiers.Count];
                for (var i = 0; i < notifiers.Count; i++)
                {
                    sequences[i] = notifiers[i].ReadBegin();
                }

                if (!Invalidate(space, new NotifierRange(0x1000, end)))
                {
                    Console.WriteLine("FAIL a blockable invalidation of every notifier returned false");
                    return 1;
                }

                for (var i = 0; i < notifiers.Count; i++)
                {
                    if (!notifiers[i].CheckRetry(sequences[i]))
                    {
                        Console.WriteLine($"FAIL {notifiers[i].Ops.GetType().Name}: round {round}: the invalidation of every notifier did not set its sequence");
                        failures++;
                    }
                }

                // Each notifier on its own, so that each one sees an atomic range too.
                foreach (var notifier in notifiers)
                {
                    var own = new NotifierRange(notifier.Start, notifier.Last + 1, blockable: false);
                    if (space.InvalidateRangeStart(own))
                    {
                        space.InvalidateRangeEnd(own);
                    }

                    var sequence = notifier.ReadBegin();
                    if (!Invalidate(space, new NotifierRange(notifier.Start, notifier.Last + 1)) || !notifier.CheckRetry(sequence))
                    {
                        Console.WriteLine($"FAIL {notifier.Ops.GetType().Name}: round {round}: a blockable invalidation failed or did not set the sequence");
                        failures++;
                    }
                }
            }

            // Every reader maps its pages, an invalidation clears them, it maps again; an invalidation between its
            // ReadBegin and its ReadRetry makes it read again and commit the new pages, not the ones read before.
            // Every change of a mapping must hold the lock the callback takes around SetSequence.
            var readers = 0;
            foreach (var notifier in notifiers)
            {
                if (notifier.Ops is not IReader reader)
                {
                    continue;
                }

                readers++;
                var name = notifier.Ops.GetType().Name;
                var own = new NotifierRange(notifier.Start, notifier.Last + 1);
                if (!Map(reader, notifier) || reader.Mapped is not { } first || first[0] != reader.Pages.Lookups)
                {
                    Console.WriteLine($"FAIL {name}: the reader did not map the pages it looked up");
                    failures++;
                    continue;
                }

                if (!Invalidate(space, own) || reader.Mapped is not null)
                {
                    Console.WriteLine($"FAIL {name}: an invalidation did not clear the mapping");
                    failures++;
                }

                var lookups = reader.Pages.Lookups;
                reader.Pages.WhileLookingUp = () => Invalidate(space, own);
                if (!Map(reader, notifier) || reader.Mapped is not { } again || reader.Pages.Lookups != lookups + 2
                    || again[0] != reader.Pages.Lookups)
                {
                    Console.WriteLine($"FAIL {name}: invalidated while looking up, the reader did not read again and map the new pages "
                                      + $"(lookups {reader.Pages.Lookups - lookups}, mapped [{string.Join(", ", reader.Mapped ?? Array.Empty<int>())}])");
                    failures++;
                }

                if (reader.LockAudit() is var audit && audit != "ok")
                {
                    Console.WriteLine($"FAIL {name}: {audit}");
                    failures++;
                }
            }

            foreach (var type in types.Where(t => t.IsDefined(typeof(FailsLoudlyAttribute), inherit: false)))
            {
                var own = new AddressSpace();
                var ops = (IntervalNotifierOps)Activator.CreateInstance(type)!;
                new IntervalNotifier(ops).Insert(own, 0x1000, 0x1000);
                try
                {
                    Invalidate(own, new NotifierRange(0x1000, 0x2000));
                    Console.WriteLine($"SILENT {type.Name}: its invalidation did not throw");
                    failures++;
                }
                catch (NotImplementedException e) when (e.Message.StartsWith(type.Name + ".", StringComparison.Ordinal))
                {
                    Console.WriteLine($"LOUD {type.Name}: {e.Message}");
                }

                // A loud finish pass must still give a pooled finish back.
                if (ops is IPooled loudPooled && loudPooled.Audit() is var loudAudit && loudAudit != "ok")
                {
                    Console.WriteLine($"FAIL {type.Name}: pool {loudAudit}");
                    failures++;
                }
            }

            foreach (var notifier in notifiers)
            {
                if (notifier.Ops is IPooled pooled && pooled.Audit() is var audit && audit != "ok")
                {
                    Console.WriteLine($"FAIL {notifier.Ops.GetType().Name}: pool {audit}");
                    failures++;
                }
            }

            Console.WriteLine(failures == 0
                ? $"ALL POOLS WHOLE, {notifiers.Count} notifiers, {readers} readers, {Pools.Finished} finishes counted"
                : $"FAILED {failures}");
            return failures == 0 ? 0 : 1;
        }

        /// <summary>Maps through the reader, reading again (a bounded number of times) while it reports an invalidation.</summary>
        private static bool Map(IReader reader, IntervalNotifier notifier)
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                if (reader.TryMap(notifier))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Invalidate(AddressSpace space, NotifierRange range)
        {
            if (!space.InvalidateRangeStart(range))
            {
                return false;
            }

            space.InvalidateRangeEnd(range);
            return true;
        }
    }
}
