// Port of the secondary-MMU side of virt/kvm/kvm_main.c and arch/x86/kvm/mmu: one interval notifier per
// memslot, hva ranges turned into gfn ranges, SPTEs zapped or write-protected under mmu_lock (a spinning lock,
// so even non-blockable ranges are handled), and the page-fault path that checks the notifier sequence before
// installing a SPTE and returns RET_PF_RETRY when it lost a race.
using System;
using System.Collections.Generic;
using System.Threading;
using IntervalNotifiers;

namespace Ports.Kvm
{
    public readonly record struct GfnRange(ulong Start, ulong End, bool MayBlock);

    public enum PfResult { Fixed, Retry, Emulate, Efault }

    [Flags]
    internal enum Spte : ulong { Present = 1, Writable = 2, Accessed = 1UL << 5, Dirty = 1UL << 6 }

    public sealed class Vcpu
    {
        private const int KvmReqTlbFlush = 1 << 0;
        private int _requests;

        public int Id { get; init; }

        // kvm_make_request + kick: the vCPU flushes before its next VM entry.
        internal void RequestTlbFlush() => Interlocked.Or(ref _requests, KvmReqTlbFlush);

        public bool CheckAndClearTlbFlush() => (Interlocked.And(ref _requests, ~KvmReqTlbFlush) & KvmReqTlbFlush) != 0;
    }

    public sealed class KvmMemslot : IntervalNotifier
    {
        internal KvmMemslot(Kvm kvm, int id, ulong baseGfn, ulong npages, ulong userspaceAddr)
            : base(KvmMmuNotifierOps.Instance)
        {
            Kvm = kvm;
            Id = id;
            BaseGfn = baseGfn;
            Npages = npages;
            UserspaceAddr = userspaceAddr;
        }

        public Kvm Kvm { get; }
        public int Id { get; }
        public ulong BaseGfn { get; }
        public ulong Npages { get; }
        public ulong UserspaceAddr { get; }

        public bool ContainsGfn(ulong gfn) => gfn >= BaseGfn && gfn < BaseGfn + Npages;

        public ulong GfnToHva(ulong gfn) => UserspaceAddr + ((gfn - BaseGfn) << Kvm.PageShift);

        /// <summary>hva_to_gfn_memslot over the part of [hvaStart, hvaEnd) that this slot maps.</summary>
        internal GfnRange ToGfnRange(in NotifierRange range)
        {
            ulong start = Math.Max(range.Start, UserspaceAddr);
            ulong end = Math.Min(range.End, UserspaceAddr + (Npages << Kvm.PageShift));
            ulong first = BaseGfn + ((start - UserspaceAddr) >> Kvm.PageShift);
            ulong last = BaseGfn + ((end - 1 - UserspaceAddr) >> Kvm.PageShift);
            return new GfnRange(first, last + 1, range.IsBlockable);
        }
    }

    public sealed class Kvm
    {
        public const int PageShift = 12;

        private SpinLock _mmuLock = new SpinLock(enableThreadOwnerTracking: false);   // kvm->mmu_lock
        private readonly object _slotsLock = new object();                            // kvm->slots_lock
        private readonly Dictionary<ulong, ulong> _sptes = new Dictionary<ulong, ulong>();  // gfn -> SPTE
        private readonly Func<ulong, bool, ulong?> _hvaToPfn;
        private KvmMemslot[] _memslots = Array.Empty<KvmMemslot>();   // RCU-published snapshot

        public Kvm(AddressSpace mm, int vcpus, Func<ulong, bool, ulong?> hvaToPfn)
        {
            Mm = mm;
            _hvaToPfn = hvaToPfn;
            Vcpus = new Vcpu[vcpus];
            for (int i = 0; i < vcpus; i++)
            {
                Vcpus[i] = new Vcpu { Id = i };
            }
        }

        public AddressSpace Mm { get; }
        public Vcpu[] Vcpus { get; }

        /// <summary>Runs <paramref name="body"/> under mmu_lock. The lock spins, it never sleeps.</summary>
        internal TResult WithMmuLock<TState, TResult>(TState state, Func<Kvm, TState, TResult> body)
        {
            bool taken = false;
            try
            {
                _mmuLock.Enter(ref taken);
                return body(this, state);
            }
            finally
            {
                if (taken)
                {
                    _mmuLock.Exit(useMemoryBarrier: true);
                }
            }
        }

        public KvmMemslot SetMemoryRegion(int id, ulong gpa, ulong size, ulong hva)
        {
            var slot = new KvmMemslot(this, id, gpa >> PageShift, size >> PageShift, hva);
            slot.Insert(Mm, hva, size);
            lock (_slotsLock)
            {
                var slots = new List<KvmMemslot>(_memslots) { slot };
                Volatile.Write(ref _memslots, slots.ToArray());
            }

            return slot;
        }

        public void DeleteMemoryRegion(KvmMemslot slot)
        {
            lock (_slotsLock)
            {
                Volatile.Write(ref _memslots, Array.FindAll(_memslots, s => s != slot));
            }

            // Never under slots_lock or mmu_lock: Remove waits for a running invalidation of the slot.
            slot.Remove();
            var whole = new GfnRange(slot.BaseGfn, slot.BaseGfn + slot.Npages, MayBlock: true);
            bool flush = WithMmuLock(whole, static (kvm, r) => kvm.ZapGfnRangeLocked(r));
            if (flush)
            {
                FlushRemoteTlbs();
            }
        }

        /// <summary>direct_page_fault for a TDP MMU, reduced to one level of SPTEs.</summary>
        public PfResult PageFault(ulong gpa, bool write)
        {
            ulong gfn = gpa >> PageShift;
            KvmMemslot? slot = Array.Find(Volatile.Read(ref _memslots), s => s.ContainsGfn(gfn));
            if (slot == null)
            {
                return PfResult.Emulate;   // MMIO
            }

            ulong mmuSeq = slot.ReadBegin();
            ulong? pfn = _hvaToPfn(slot.GfnToHva(gfn), write);   // __kvm_faultin_pfn: may sleep in GUP
            if (pfn is not ulong hostPfn)
            {
                return PfResult.Efault;
            }

            // is_page_fault_stale, the lock-free half: an invalidation already raced with us.
            if (slot.CheckRetry(mmuSeq))
            {
                return PfResult.Retry;
            }

            return WithMmuLock((slot, gfn, mmuSeq, hostPfn, write), static (kvm, f) =>
            {
                if (f.slot.ReadRetry(f.mmuSeq))
                {
                    return PfResult.Retry;
                }

                Spte spte = Spte.Present | Spte.Accessed | (f.write ? Spte.Writable | Spte.Dirty : 0);
                kvm._sptes[f.gfn] = (f.hostPfn << PageShift) | (ulong)spte;
                return PfResult.Fixed;
            });
        }

        internal bool ZapGfnRangeLocked(GfnRange range) => ForEachSpteLocked(range, static (_, _) => 0);

        internal bool WriteProtectGfnRangeLocked(GfnRange range) =>
            ForEachSpteLocked(range, static (_, spte) => spte & ~(ulong)Spte.Writable);

        /// <summary>Rewrites every SPTE of the range; a result of 0 zaps it. Returns whether a TLB flush is needed.</summary>
        private bool ForEachSpteLocked(GfnRange range, Func<ulong, ulong, ulong> update)
        {
            bool flush = false;
            for (ulong gfn = range.Start; gfn < range.End; gfn++)
            {
                if (!_sptes.TryGetValue(gfn, out ulong old))
                {
                    continue;
                }

                ulong updated = update(gfn, old);
                if (updated == old)
                {
                    continue;
                }

                flush = true;
                if (updated == 0)
                {
                    _sptes.Remove(gfn);
                }
                else
                {
                    _sptes[gfn] = updated;
                }
            }

            return flush;
        }

        // kvm_flush_remote_tlbs: make the request on every vCPU; none of them may re-enter with a stale TLB.
        internal void FlushRemoteTlbs()
        {
            foreach (Vcpu vcpu in Vcpus)
            {
                vcpu.RequestTlbFlush();
            }
        }
    }

    /// <summary>kvm_mmu_notifier_invalidate_range_start, per memslot.</summary>
    internal sealed class KvmMmuNotifierOps : IntervalNotifierOps
    {
        internal static readonly KvmMmuNotifierOps Instance = new KvmMmuNotifierOps();

        public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        {
            var slot = (KvmMemslot)notifier;
            GfnRange gfns = slot.ToGfnRange(in range);
            bool protectOnly = range.Event switch
            {
                NotifierEvent.ProtectionVma or NotifierEvent.ProtectionPage or NotifierEvent.SoftDirty => true,
                _ => false,
            };

            // mmu_lock spins: no need to look at range.IsBlockable, this never fails.
            slot.Kvm.WithMmuLock((slot, gfns, currentSequence, protectOnly), static (kvm, s) =>
            {
                s.slot.SetSequence(s.currentSequence);
                bool flush = s.protectOnly ? kvm.WriteProtectGfnRangeLocked(s.gfns) : kvm.ZapGfnRangeLocked(s.gfns);
                if (flush)
                {
                    kvm.FlushRemoteTlbs();
                }

                return flush;
            });
            return true;
        }
    }
}
