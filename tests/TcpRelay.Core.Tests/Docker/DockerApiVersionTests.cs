namespace TcpRelay.Docker;

public sealed class DockerApiVersionTests
{
    [Fact]
    public void DebianEngine20Point10IsSpokenToAtItsOwnVersion()
    {
        Assert.Equal(new Version(1, 41), DockerApiVersion.Choose("1.41", "1.12", out string? problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Docker29IsSpokenToAtTheLibrarysVersionWhichItAccepts()
    {
        Version? chosen = DockerApiVersion.Choose("1.52", "1.44", out _);

        Assert.Equal(DockerApiVersion.LibraryMaximum, chosen);
        Assert.True(chosen >= new Version(1, 44));
    }

    [Fact]
    public void NewerEngineIsCappedAtTheLibrarysVersion()
    {
        Assert.Equal(DockerApiVersion.LibraryMaximum, DockerApiVersion.Choose("1.60", "1.44", out _));
    }

    [Fact]
    public void EngineThatRefusesEverythingTheLibrarySpeaksIsExplained()
    {
        Assert.Null(DockerApiVersion.Choose("1.70", "1.60", out string? problem));
        Assert.Contains("1.60", problem, StringComparison.Ordinal);
        Assert.Contains("1.52", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-03T17:51:18.624633875Z", "1796320277")]
    [InlineData("2026-12-03T18:51:18.5+01:00", "1796320277")]
    [InlineData("not a time", null)]
    public void EventsAreRequestedFromOneSecondBeforeTheEnginesClock(string systemTime, string? expected)
    {
        Assert.Equal(expected, EngineClock.SinceArgument(systemTime));
    }
}
