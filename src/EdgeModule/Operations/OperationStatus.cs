namespace EdgeModule.Operations;

/// <summary>A task's state in <c>GetTaskStatus</c> (edgeAgent's names); <c>Unknown</c> answers an id never seen.</summary>
public enum OperationStatus
{
    NotStarted,
    Running,
    Completed,
    Failed,
    Unknown,
}
