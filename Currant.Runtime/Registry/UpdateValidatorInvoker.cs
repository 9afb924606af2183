namespace Currant;

/// <summary>A generated call of an update's validator: throws to reject the update.</summary>
public delegate void UpdateValidatorInvoker(object workflow, HandlerContext context);
