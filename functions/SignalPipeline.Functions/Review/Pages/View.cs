using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SignalPipeline.Functions.Review.Pages;

/// <summary>Review pages are Razor components rendered on the server (static SSR): every value is encoded by Razor,
/// the frame is one component, and a handler returns a typed result.</summary>
public static class View
{
    /// <summary>All Unicode ranges pass as they are (m², ë, “”); markup characters are always encoded.</summary>
    public static readonly System.Text.Encodings.Web.HtmlEncoder Encoder = System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static RazorComponentResult<T> Page<T>(object parameters, int status = StatusCodes.Status200OK) where T : IComponent =>
        new(parameters) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    /// <summary>A short page with a heading, a sentence and a link back.</summary>
    public static RazorComponentResult<MessagePage> Message(Principal? user, string title, string? text = null, int status = StatusCodes.Status200OK,
        string? backTo = null, string? heading = null, string? textId = null) =>
        Page<MessagePage>(new { User = user, Title = title, Heading = heading, Text = text, BackTo = backTo, TextId = textId }, status);

    public static RazorComponentResult<MessagePage> SignalNotFound(Principal? user) =>
        Message(user, "Niet gevonden", heading: "Signaal niet gevonden", status: StatusCodes.Status404NotFound, backTo: "/review");
}
