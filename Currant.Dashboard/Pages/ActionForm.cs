using Currant.Dashboard.Html;
using Microsoft.AspNetCore.Antiforgery;

namespace Currant.Dashboard.Pages;

/// <summary>
/// The small post forms of the schedules and queues pages: one button, the antiforgery token and the fields that say
/// what the action is on (a schedule's or a queue's name travels in the form, not the path, so any name works).
/// </summary>
internal static class ActionForm
{
    public static void Button(HtmlWriter h, string action, string label, AntiforgeryTokenSet tokens, string id, params (string Name, string Value)[] fields)
    {
        h.Open("form", ("method", "post"), ("action", action), ("class", "inline"));
        Token(h, tokens);
        foreach (var (name, value) in fields)
        {
            h.Open("input", ("type", "hidden"), ("name", name), ("value", value));
        }

        h.Element("button", label, ("type", "submit"), ("id", id));
        h.Close("form");
    }

    public static void Token(HtmlWriter h, AntiforgeryTokenSet tokens)
        => h.Open("input", ("type", "hidden"), ("name", tokens.FormFieldName), ("value", tokens.RequestToken));
}
