namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>What a docker CLI call printed and returned.</summary>
internal sealed record DockerResult(int ExitCode, string Output, string Error);
