namespace TcpRelay;

/// <summary>Waits, within a bound, for state that another task changes.</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, int timeoutMs = 5000) =>
        TrueAsync(() => Task.FromResult(condition()), timeoutMs);

    public static async Task TrueAsync(Func<Task<bool>> condition, int timeoutMs = 5000)
    {
        for (int waited = 0; waited < timeoutMs; waited += 25)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.True(await condition());
    }
}
