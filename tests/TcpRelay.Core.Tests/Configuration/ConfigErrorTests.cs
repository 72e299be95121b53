namespace TcpRelay.Configuration;

public sealed class ConfigErrorTests
{
    private const string Target = "\"target\": { \"address\": \"127.0.0.1:80\" }";

    [Fact]
    public void SyntaxErrorGivesLineAndColumn()
    {
        ConfigError error = Assert.Single(Errors("{\n  \"routes\": {\n    \"a\": { \"listen\" \"x\" }\n  }\n}"));

        Assert.Equal(3, error.Line);
        Assert.Equal(21, error.Column); // the "x" where a ':' belongs
        Assert.StartsWith("JSON syntax error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownPropertyIsNamedWithTheClosestKnownName()
    {
        ConfigError error = Assert.Single(Errors(
            $$"""{ "routes": { "a": { "listen": "127.0.0.1:9000", {{Target}}, "conectTimeout": "5s" } } }"""));

        Assert.Equal("$.routes.a.conectTimeout", error.Path);
        Assert.Contains("unknown property 'conectTimeout'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'connectTimeout'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTopLevelPropertyIsAnError()
    {
        ConfigError error = Assert.Single(Errors(
            $$"""{ "routes": { "a": { "listen": "127.0.0.1:9000", {{Target}} } }, "logging": {} }"""));

        Assert.Equal("$.logging", error.Path);
    }

    [Fact]
    public void EveryErrorIsReportedTogether()
    {
        IReadOnlyList<ConfigError> errors = Errors("""
            {
              "routes": {
                "a": { "listen": "127.0.0.1:9000", "target": { "address": "127.0.0.1:80" }, "backlog": 0 },
                "b": { "listen": "nowhere", "target": { "container": "web" } },
                "c": { "listen": "127.0.0.1:9002", "target": { "address": "127.0.0.1:80" }, "idleTimeout": "soon" }
              },
              "drainTimeout": -1
            }
            """);

        Assert.Equal(
            [
                "$.drainTimeout",
                "$.routes.a.backlog",
                "$.routes.b.listen",
                "$.routes.b.target.port",
                "$.routes.c.idleTimeout",
            ],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ErrorsComeInTheOrderOfTheFile()
    {
        IReadOnlyList<ConfigError> errors = Errors("""
            {
              "drainTimeout": "later",
              "routes": {
                "z": { "target": { "address": "127.0.0.1:0" }, "backlog": 0 },
                "a": { "listen": "127.0.0.1:9001", "target": { "address": "127.0.0.1:80" }, "noDelay": 1 }
              }
            }
            """);

        Assert.Equal(
            [
                "$.drainTimeout",
                "$.routes.z.listen",
                "$.routes.z.target.address",
                "$.routes.z.backlog",
                "$.routes.a.noDelay",
            ],
            errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("\"listen\": \"127.0.0.1:0\"", "$.routes.a.listen", "1 to 65535")]
    [InlineData("\"listen\": \"127.0.0.1:70000\"", "$.routes.a.listen", "1 to 65535")]
    [InlineData("\"listen\": \"localhost:9000\"", "$.routes.a.listen", "not an IP address")]
    [InlineData("\"listen\": \"9000\"", "$.routes.a.listen", "\":9000\"")]
    [InlineData("\"listen\": 9000", "$.routes.a.listen", "must be a string")]
    public void BadListenIsReportedAtItsPath(string listen, string path, string fragment)
    {
        ConfigError error = Assert.Single(Errors($$"""{ "routes": { "a": { {{listen}}, {{Target}} } } }"""));

        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"backlog\": 0", "$.routes.a.backlog")]
    [InlineData("\"backlog\": 70000", "$.routes.a.backlog")]
    [InlineData("\"backlog\": 1.5", "$.routes.a.backlog")]
    [InlineData("\"maxBufferedBytes\": 4095", "$.routes.a.maxBufferedBytes")]
    [InlineData("\"dataPath\": \"sendfile\"", "$.routes.a.dataPath")]
    [InlineData("\"dataPath\": 1", "$.routes.a.dataPath")]
    [InlineData("\"connectTimeout\": 0", "$.routes.a.connectTimeout")]
    [InlineData("\"connectTimeout\": \"5\"", "$.routes.a.connectTimeout")]
    [InlineData("\"halfCloseTimeout\": \"0s\"", "$.routes.a.halfCloseTimeout")]
    [InlineData("\"idleTimeout\": \"-5s\"", "$.routes.a.idleTimeout")]
    [InlineData("\"keepAlive\": { \"count\": 0 }", "$.routes.a.keepAlive.count")]
    [InlineData("\"keepAlive\": { \"time\": \"100ms\" }", "$.routes.a.keepAlive.time")]
    [InlineData("\"keepAlive\": { \"tme\": \"1s\" }", "$.routes.a.keepAlive.tme")]
    [InlineData("\"keepAlive\": \"yes\"", "$.routes.a.keepAlive")]
    [InlineData("\"noDelay\": \"true\"", "$.routes.a.noDelay")]
    [InlineData("\"allow\": [\"10.0.0.1/8\"]", "$.routes.a.allow[0]")]
    [InlineData("\"deny\": [\"10.0.0.0/8\", \"banana\"]", "$.routes.a.deny[1]")]
    [InlineData("\"allow\": \"10.0.0.0/8\"", "$.routes.a.allow")]
    [InlineData("\"maxConnections\": 0", "$.routes.a.maxConnections")]
    [InlineData("\"maxConnectionsPerClient\": -1", "$.routes.a.maxConnectionsPerClient")]
    [InlineData("\"newConnectionsPerSecondPerClient\": 0", "$.routes.a.newConnectionsPerSecondPerClient")]
    [InlineData("\"sendProxy\": \"v3\"", "$.routes.a.sendProxy")]
    [InlineData("\"acceptProxy\": { \"timeout\": \"1s\" }", "$.routes.a.acceptProxy.from")]
    [InlineData("\"acceptProxy\": { \"from\": [] }", "$.routes.a.acceptProxy.from")]
    [InlineData("\"ipv6Only\": true", "$.routes.a.ipv6Only")]
    public void BadRouteOptionIsReportedAtItsPath(string option, string path)
    {
        ConfigError error = Assert.Single(Errors(
            $$"""{ "routes": { "a": { "listen": "127.0.0.1:9000", {{Target}}, {{option}} } } }"""));

        Assert.Equal(path, error.Path);
    }

    [Theory]
    [InlineData("{ \"address\": \"127.0.0.1:0\" }", "$.routes.a.target.address")]
    [InlineData("{ \"address\": \"127.0.0.1\" }", "$.routes.a.target.address")]
    [InlineData("{ \"address\": \"::1:80\" }", "$.routes.a.target.address")]
    [InlineData("{ \"address\": \"127.0.0.1:80\", \"bind\": \"eth0\" }", "$.routes.a.target.bind")]
    [InlineData("{ \"address\": \"127.0.0.1:80\", \"sourcePort\": 0 }", "$.routes.a.target.sourcePort")]
    [InlineData("{ \"address\": \"127.0.0.1:80\", \"port\": 80 }", "$.routes.a.target.port")]
    [InlineData("{ \"address\": \"127.0.0.1:80\", \"container\": \"web\" }", "$.routes.a.target")]
    [InlineData("{ \"port\": 80 }", "$.routes.a.target")]
    [InlineData("{ \"container\": \"web\" }", "$.routes.a.target.port")]
    [InlineData("{ \"container\": \"\", \"port\": 80 }", "$.routes.a.target.container")]
    [InlineData("{ \"container\": \"web\", \"port\": 80, \"via\": \"tunnel\" }", "$.routes.a.target.via")]
    [InlineData("{ \"container\": \"web\", \"port\": 80, \"holdTime\": \"-1s\" }", "$.routes.a.target.holdTime")]
    [InlineData("{ \"container\": \"web\", \"port\": 80, \"sourcePort\": 1 }", "$.routes.a.target.sourcePort")]
    [InlineData("{ \"netns\": \"app\", \"port\": 80 }", "$.routes.a.target.netns")]
    [InlineData("{ \"netns\": \"/run/netns/app\", \"port\": 65536 }", "$.routes.a.target.port")]
    [InlineData("{ \"netns\": \"/run/netns/app\", \"port\": 80, \"prot\": 1 }", "$.routes.a.target.prot")]
    [InlineData("\"127.0.0.1:80\"", "$.routes.a.target")]
    public void BadTargetIsReportedAtItsPath(string target, string path)
    {
        ConfigError error = Assert.Single(Errors(
            $$"""{ "routes": { "a": { "listen": "127.0.0.1:9000", "target": {{target}} } } }"""));

        Assert.Equal(path, error.Path);
    }

    [Theory]
    [InlineData("\"docker\": { \"host\": \"http://x\" }", "$.docker.host")]
    [InlineData("\"docker\": { \"host\": \"not a uri\" }", "$.docker.host")]
    [InlineData("\"metrics\": { }", "$.metrics.listen")]
    [InlineData("\"metrics\": { \"listen\": \"127.0.0.1:9000\" }", "$.metrics.listen")]
    [InlineData("\"statusSocket\": \"status.sock\"", "$.statusSocket")]
    [InlineData("\"maxConnections\": 0", "$.maxConnections")]
    [InlineData("\"drainTimeout\": \"5 parsecs\"", "$.drainTimeout")]
    public void BadTopLevelFieldIsReportedAtItsPath(string field, string path)
    {
        ConfigError error = Assert.Single(Errors(
            $$"""{ "routes": { "a": { "listen": "127.0.0.1:9000", {{Target}} } }, {{field}} }"""));

        Assert.Equal(path, error.Path);
    }

    [Theory]
    [InlineData("{ }", "$.routes")]
    [InlineData("{ \"routes\": { } }", "$.routes")]
    [InlineData("{ \"routes\": [ ] }", "$.routes")]
    [InlineData("[ ]", "$")]
    [InlineData("{ \"routes\": { \"a\": { \"target\": { \"address\": \"127.0.0.1:80\" } } } }", "$.routes.a.listen")]
    [InlineData("{ \"routes\": { \"a\": { \"listen\": \"127.0.0.1:9000\" } } }", "$.routes.a.target")]
    [InlineData(
        "{ \"routes\": { \"bad name\": { \"listen\": \"127.0.0.1:9000\", "
        + "\"target\": { \"address\": \"127.0.0.1:80\" } } } }",
        "$.routes['bad name']")]
    public void MissingOrMisshapenRequiredPartsAreReported(string json, string path)
    {
        ConfigError error = Assert.Single(Errors(json));

        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void RouteNameGivenTwiceIsAnError()
    {
        ConfigError error = Assert.Single(Errors($$"""
            { "routes": {
                "a": { "listen": "127.0.0.1:9000", {{Target}} },
                "a": { "listen": "127.0.0.1:9001", {{Target}} } } }
            """));

        Assert.Equal("$.routes.a", error.Path);
        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PropertyGivenTwiceIsAnError()
    {
        ConfigError error = Assert.Single(Errors(
            $$"""{ "routes": { "a": { "listen": "127.0.0.1:9000", "listen": "127.0.0.1:9001", {{Target}} } } }"""));

        Assert.Equal("$.routes.a.listen", error.Path);
    }

    [Fact]
    public void MissingFileIsAnErrorNamingIt()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load("/nonexistent/relay.json"));

        Assert.Equal("/nonexistent/relay.json", e.Origin);
        Assert.Contains("cannot read", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<ConfigError> Errors(string json) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json)).Errors;
}
