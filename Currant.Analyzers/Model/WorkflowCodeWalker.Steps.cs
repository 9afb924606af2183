using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers.Model;

/// <summary>
/// What step bodies must not do besides using Workflow.*: assign variables that live outside them (CUR1011).
/// </summary>
internal sealed partial class WorkflowCodeWalker
{
    /// <summary>CUR1011: in a lambda given to <c>Workflow.Step</c>, an assignment to a variable declared outside it.</summary>
    private void InspectStepWrite(IOperation operation, CallNode node)
    {
        if (_stepLambda is null)
        {
            return;
        }

        IOperation? target = operation switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target,
            ICompoundAssignmentOperation compound => compound.Target,
            ICoalesceAssignmentOperation coalesce => coalesce.Target,
            IIncrementOrDecrementOperation increment => increment.Target,
            IDeconstructionAssignmentOperation deconstruction => deconstruction.Target,
            IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument => argument.Value,
            _ => null,
        };
        if (target is null)
        {
            return;
        }

        foreach (var written in WrittenOutside(target, _stepLambda))
        {
            AddFinding(Diagnostic.Create(DiagnosticDescriptors.StepWritesOutside, DiagnosticLocations.For(written.Syntax), Describe(written), node.Where));
        }

        static string Describe(IOperation written) => written switch
        {
            ILocalReferenceOperation local => local.Local.Name,
            IParameterReferenceOperation parameter => parameter.Parameter.Name,
            IFieldReferenceOperation field => DisplayNames.Member(field.Field),
            IPropertyReferenceOperation property => DisplayNames.Member(property.Property),
            _ => written.Syntax.ToString(),
        };
    }

    /// <summary>The locals, parameters and fields of the enclosing object that <paramref name="target"/> writes and that live outside <paramref name="lambda"/>.</summary>
    private static IEnumerable<IOperation> WrittenOutside(IOperation target, SyntaxNode lambda)
    {
        while (target is IConversionOperation conversion)
        {
            target = conversion.Operand;
        }

        switch (target)
        {
            case ITupleOperation tuple:
                foreach (var element in tuple.Elements)
                {
                    foreach (var written in WrittenOutside(element, lambda))
                    {
                        yield return written;
                    }
                }

                break;
            case ILocalReferenceOperation local when !DeclaredInside(local.Local, lambda):
            case IParameterReferenceOperation parameter when !DeclaredInside(parameter.Parameter, lambda):
            // 'this' of the enclosing object, not the implicit receiver of an object or anonymous-type initializer.
            case IFieldReferenceOperation { Field.IsStatic: false, Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } }:
            case IPropertyReferenceOperation { Property.IsStatic: false, Property.IsIndexer: false, Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } }:
                yield return target;
                break;
        }
    }

    private static bool DeclaredInside(ISymbol symbol, SyntaxNode lambda)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == lambda.SyntaxTree && lambda.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The lambda or anonymous method a step body written in place is, or null for a method group.</summary>
    private static SyntaxNode? StepLambda(IOperation body)
    {
        while (body is IDelegateCreationOperation creation)
        {
            body = creation.Target;
        }

        return body is IAnonymousFunctionOperation function ? function.Syntax : null;
    }
}
