// Valid code (hunt): one ops instance for two notifier types, dispatching on the notifier's type with a switch
// statement and a switch expression; anything else is not the driver's and is left alone.
namespace ValidCode.Hunt.TypeSwitch;

public sealed class BufferRange : IntervalNotifier
{
    public BufferRange(NotifierOpsBase ops) : base(ops)
    {
    }

    public readonly object Lock = new();

    public int Valid;
}

public sealed class ImageRange : IntervalNotifier
{
    public ImageRange(NotifierOpsBase ops) : base(ops)
    {
    }

    public readonly object Lock = new();

    public int Valid;
}

public sealed class DispatchOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
    {
        switch (notifier)
        {
            case BufferRange buffer:
                lock (buffer.Lock)
                {
                    buffer.SetSequence(currentSequence);
                    buffer.Valid = 0;
                }

                return true;
            case ImageRange image:
                lock (image.Lock)
                {
                    image.SetSequence(currentSequence);
                    image.Valid = 0;
                }

                return true;
            default:
                return true;
        }
    }
}

public sealed class DispatchExpressionOps : NotifierOpsBase
{
    public override bool Invalidate(IntervalNotifier notifier, in NotifierRange range, ulong currentSequence)
        => notifier switch
        {
            BufferRange buffer => Zap(buffer, currentSequence),
            _ => true,
        };

    private static bool Zap(BufferRange buffer, ulong currentSequence)
    {
        lock (buffer.Lock)
        {
            buffer.SetSequence(currentSequence);
        }

        return true;
    }
}

public static class DispatchReaders
{
    public static int Read(BufferRange buffer)
    {
        while (true)
        {
            var seq = buffer.ReadBegin();
            var valid = buffer.Valid;
            lock (buffer.Lock)
            {
                if (!buffer.ReadRetry(seq))
                {
                    return valid;
                }
            }
        }
    }

    public static int Read(ImageRange image)
    {
        while (true)
        {
            var seq = image.ReadBegin();
            var valid = image.Valid;
            lock (image.Lock)
            {
                if (!image.ReadRetry(seq))
                {
                    return valid;
                }
            }
        }
    }
}
