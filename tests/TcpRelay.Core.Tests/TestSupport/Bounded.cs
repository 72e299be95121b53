namespace TcpRelay.TestSupport;

/// <summary>Time bounds for test steps, tied to the test's own cancellation.</summary>
internal static class Bounded
{
    public static CancellationTokenSource Within(TimeSpan timeout)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        return cts;
    }

    /// <summary>Awaits a task, failing the test when it does not finish within the timeout.</summary>
    public static async Task<T> WaitAsync<T>(Task<T> task, TimeSpan timeout, string what)
    {
        try
        {
            return await task.WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not finish within {timeout}.");
            throw;
        }
    }

    public static async Task WaitAsync(Task task, TimeSpan timeout, string what)
    {
        try
        {
            await task.WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not finish within {timeout}.");
            throw;
        }
    }
}
